package io.histoscale.registry;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The read side on a real SQLite file: each filter, paging, counts, metrics, lookups, and that it cannot write. */
class RunQueriesTest {

    @TempDir
    Path dir;

    private String db() {
        return dir.resolve("runs.db").toString();
    }

    /** Creates a run and waits past the millisecond, so creation times differ and order the runs. */
    private static String create(RunRegistry registry, String kind, String user, List<String> command) {
        String id = registry.newRun(kind).optUser(user).setCommand(command).create();
        sleep(3);
        return id;
    }

    @Test
    void listsNewestFirstAndPages() {
        String a, b, c;
        try (RunRegistry registry = RunRegistry.open(db())) {
            a = create(registry, "tile", "ana", List.of("tile"));
            b = create(registry, "train", "ana", List.of("train"));
            c = create(registry, "tile", "ana", List.of("tile"));
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.list(RunFilter.builder().build())).extracting(Run::id).containsExactly(c, b, a);
        assertThat(queries.list(RunFilter.builder().optLimit(2).build())).extracting(Run::id).containsExactly(c, b);
        assertThat(queries.list(RunFilter.builder().optLimit(2).optOffset(2).build())).extracting(Run::id)
                .containsExactly(a);
        assertThat(queries.list(RunFilter.builder().optOffset(3).build())).isEmpty();
        assertThat(queries.list(RunFilter.builder().optLimit(0).build())).isEmpty();
    }

    @Test
    void filtersByKindStatusAndUser() {
        String tileDone, trainFailed, trainRunning, legacy;
        try (RunRegistry registry = RunRegistry.open(db())) {
            tileDone = create(registry, "tile", "ana", List.of("tile"));
            registry.finished(tileDone, RunStatus.COMPLETED, 0, null);
            trainFailed = create(registry, "train", "ben", List.of("train"));
            registry.finished(trainFailed, RunStatus.FAILED, 2, "bad data");
            trainRunning = create(registry, "train", "ana", List.of("train"));
            registry.started(trainRunning, "node1");
            legacy = create(registry, "train", null, List.of("train"));
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.list(RunFilter.builder().optKind("train").build())).extracting(Run::id)
                .containsExactly(legacy, trainRunning, trainFailed);
        assertThat(queries.list(RunFilter.builder().optStatus(RunStatus.FAILED).build())).extracting(Run::id)
                .containsExactly(trainFailed);
        assertThat(queries.list(RunFilter.builder().optStatus(RunStatus.PENDING, RunStatus.RUNNING).build()))
                .extracting(Run::id).containsExactly(legacy, trainRunning);
        assertThat(queries.list(RunFilter.builder().optUser("ana").build())).extracting(Run::id)
                .containsExactly(trainRunning, tileDone);
        assertThat(queries.list(RunFilter.builder().optUser("ana").optKind("train").build())).extracting(Run::id)
                .containsExactly(trainRunning);
        assertThat(queries.list(RunFilter.builder().optUser("nobody").build())).isEmpty();
        assertThat(queries.get(legacy).user()).isNull();
        assertThat(queries.get(trainFailed).user()).isEqualTo("ben");
    }

    @Test
    void filtersByCreationTime() {
        String first, second, third;
        Instant afterFirst, afterSecond;
        try (RunRegistry registry = RunRegistry.open(db())) {
            first = create(registry, "tile", "ana", List.of("tile"));
            afterFirst = Instant.now();
            sleep(3);
            second = create(registry, "tile", "ana", List.of("tile"));
            afterSecond = Instant.now();
            sleep(3);
            third = create(registry, "tile", "ana", List.of("tile"));
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.list(RunFilter.builder().optCreatedBetween(afterFirst, afterSecond).build()))
                .extracting(Run::id).containsExactly(second);
        assertThat(queries.list(RunFilter.builder().optCreatedBetween(afterFirst, null).build()))
                .extracting(Run::id).containsExactly(third, second);
        assertThat(queries.list(RunFilter.builder().optCreatedBetween(null, afterFirst).build()))
                .extracting(Run::id).containsExactly(first);
        // the start is inclusive, the end exclusive
        Instant created = queries.get(second).createdAt();
        assertThat(queries.list(RunFilter.builder().optCreatedBetween(created, created.plusMillis(1)).build()))
                .extracting(Run::id).containsExactly(second);
        assertThat(queries.list(RunFilter.builder().optCreatedBetween(created.minusMillis(1), created).build()))
                .isEmpty();
    }

    @Test
    void searchesIdsAndCommandArgumentsIgnoringCase() {
        String epochs, quoted, percent;
        try (RunRegistry registry = RunRegistry.open(db())) {
            epochs = create(registry, "train", "ana", List.of("train", "--epochs", "20", "--out", "/runs/Big"));
            quoted = create(registry, "stage", "ana", List.of("stage", "--note", "say \"hi\""));
            percent = create(registry, "tile", "ana", List.of("tile", "--fraction", "50%"));
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(ids(queries, "--EPOCHS")).containsExactly(epochs);
        assertThat(ids(queries, "runs/big")).containsExactly(epochs);
        assertThat(ids(queries, epochs.substring(0, 9).toUpperCase())).containsExactly(epochs);
        assertThat(ids(queries, "\"hi\"")).containsExactly(quoted);
        assertThat(ids(queries, "%")).containsExactly(percent);
        assertThat(ids(queries, "_")).isEmpty(); // a literal underscore, not LIKE's any-character
        assertThat(ids(queries, "-")).containsExactly(percent, quoted, epochs);
        assertThat(ids(queries, "pbs")).isEmpty();
    }

    private static List<String> ids(RunQueries queries, String text) {
        return queries.list(RunFilter.builder().optText(text).build()).stream().map(Run::id).toList();
    }

    @Test
    void countsByStatusUnderAFilterIgnoringPaging() {
        try (RunRegistry registry = RunRegistry.open(db())) {
            for (int i = 0; i < 3; i++) {
                registry.finished(create(registry, "train", "ana", List.of("train")), RunStatus.COMPLETED, 0, null);
            }
            registry.finished(create(registry, "train", "ana", List.of("train")), RunStatus.FAILED, 1, "boom");
            registry.started(create(registry, "tile", "ana", List.of("tile")), "node1");
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.countByStatus(RunFilter.builder().optLimit(1).build())).containsExactly(
                entry(RunStatus.PENDING, 0L), entry(RunStatus.RUNNING, 1L), entry(RunStatus.COMPLETED, 3L),
                entry(RunStatus.FAILED, 1L), entry(RunStatus.CANCELLED, 0L));
        assertThat(queries.countByStatus(RunFilter.builder().optKind("tile").build()))
                .containsEntry(RunStatus.RUNNING, 1L).containsEntry(RunStatus.COMPLETED, 0L);
        assertThat(queries.countByStatus(RunFilter.builder().optStatus(RunStatus.FAILED).build()).values())
                .containsExactly(0L, 0L, 0L, 1L, 0L);
    }

    @Test
    void metricsAreTheRecordedFiguresAndTheMetricsFileSoFar() throws Exception {
        Path file = dir.resolve("run/metrics.jsonl");
        String id;
        try (RunRegistry registry = RunRegistry.open(db())) {
            id = registry.newRun("train").optMetricsFile(file.toString()).create();
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.metrics(id)).isEqualTo(new RunMetrics(id, Map.of(), List.of()));
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"epoch":1,"trainLoss":0.5,"imagesPerSecond":100.0,"seconds":10.0,"val":{"auc":0.8,"loss":0.6},"best":true}
                {"epoch":2,"trainLoss":0.25,"imagesPerSecond":120.0,"seconds":14.0,"val":{"auc":0.7,"confusion":[[1]]},"best":false}
                {"epoch":3,"trainLo""");
        RunMetrics running = queries.metrics(id.substring(0, 8));
        assertThat(running.recorded()).isEmpty();
        assertThat(running.history()).containsExactly(
                Map.of("epoch", 1.0, "trainLoss", 0.5, "imagesPerSecond", 100.0, "seconds", 10.0, "val.auc", 0.8,
                        "val.loss", 0.6, "best", 1.0),
                Map.of("epoch", 2.0, "trainLoss", 0.25, "imagesPerSecond", 120.0, "seconds", 14.0, "val.auc", 0.7,
                        "best", 0.0));
        assertThat(MetricsFile.summary(running.history())).containsExactly(entry("best_epoch", 1.0),
                entry("epochs", 2.0), entry("images_per_s", 110.0), entry("seconds", 24.0), entry("train_loss", 0.25),
                entry("val_auc", 0.8), entry("val_loss", 0.6));
        try (RunRegistry registry = RunRegistry.open(db())) {
            registry.putMetrics(id, Map.of("val_auc", 0.8));
        }
        assertThat(queries.metrics(id).recorded()).containsExactly(entry("val_auc", 0.8));
        assertThatThrownBy(() -> queries.metrics("nope")).isInstanceOf(UserException.class)
                .hasMessageContaining("no run nope");
    }

    @Test
    void getAndFindResolveIdsLikeTheRegistry() {
        String a, b;
        try (RunRegistry registry = RunRegistry.open(db())) {
            a = registry.newRun("tile").create();
            b = registry.newRun("train").create();
        }
        RunQueries queries = RunQueries.open(db());
        assertThat(queries.find(a)).map(Run::id).contains(a);
        assertThat(queries.find(a.substring(0, 7))).isEmpty();
        assertThat(queries.get(b.substring(0, 8)).id()).isEqualTo(b);
        assertThat(queries.get(b).user()).isEqualTo(System.getProperty("user.name"));
        assertThatThrownBy(() -> queries.get("t")).isInstanceOf(UserException.class)
                .hasMessageContaining("ambiguous").hasMessageContaining(a).hasMessageContaining(b);
        assertThatThrownBy(() -> queries.get("nope")).isInstanceOf(UserException.class)
                .hasMessageContaining("no run nope in the registry " + db());
    }

    @Test
    void badFiltersNameTheirKey() {
        assertThatThrownBy(() -> RunFilter.builder().optLimit(-1).build()).isInstanceOf(UserException.class)
                .hasMessage("limit -1: give 0 or more runs")
                .satisfies(e -> assertThat(((UserException) e).key()).contains("limit"));
        assertThatThrownBy(() -> RunFilter.builder().optOffset(-5).build()).isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(((UserException) e).key()).contains("offset"));
        Instant now = Instant.now();
        assertThatThrownBy(() -> RunFilter.builder().optCreatedBetween(now, now).build())
                .isInstanceOf(UserException.class).hasMessageStartingWith("created from ");
    }

    @Test
    void readConnectionsCannotWrite() throws Exception {
        try (RunRegistry registry = RunRegistry.open(db())) {
            registry.newRun("tile").create();
        }
        RegistryDatabase database = RegistryDatabase.open(db());
        Connection c = database.connectReadOnly();
        try {
            assertThat(c.isReadOnly()).isTrue();
            assertThatThrownBy(() -> c.createStatement().executeUpdate("DELETE FROM runs"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("SQLITE_READONLY");
        } finally {
            RegistryDatabase.release(c);
        }
        assertThat(RunQueries.open(db()).list(RunFilter.builder().build())).hasSize(1);
    }

    @Test
    void resultsCannotBeChanged() {
        try (RunRegistry registry = RunRegistry.open(db())) {
            String id = registry.newRun("tile").setCommand(List.of("tile")).create();
            registry.putMetrics(id, Map.of("patches", 3.0));
        }
        List<Run> runs = RunQueries.open(db()).list(RunFilter.builder().build());
        assertThatThrownBy(runs::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> runs.get(0).metrics().put("patches", 4.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> runs.get(0).command().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> runs.get(0).config().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
