package io.histoscale.registry;

import io.histoscale.core.UserException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real SQLite file: a run's life, lookups by id prefix, several writers at once, migrations, bad locations. */
class RunRegistryTest {

    @TempDir
    Path dir;

    @Test
    void recordsARunFromSubmissionToItsMetrics() {
        Path db = dir.resolve("home/.histoscale/runs.db");
        String id;
        try (RunRegistry registry = RunRegistry.open(db.toString())) {
            id = registry.newRun("train").setCommand(List.of("train", "--epochs", "2"))
                    .optConfig(Map.of("epochs", 2, "model", "small")).optExecutor("slurm")
                    .optMetricsFile("/runs/a/metrics.jsonl").create();
            assertThat(id).matches("train-[0-9a-f]{6}");
            assertThat(registry.get(id).status()).isEqualTo(RunStatus.PENDING);
            registry.submitted(id, "slurm", "17", "/runs/a/slurm-17.out");
            registry.started(id, "node1");
            registry.putMetrics(id, Map.of("val_auc", 0.91, "train_loss", 0.2));
            registry.putMetrics(id, Map.of("val_auc", 0.93));
            registry.putArtefacts(id, Map.of("model", "/runs/a/best.ckpt"));
            registry.finished(id, RunStatus.COMPLETED, 0, null);
        }
        // A second open finds the same data (and does not migrate again).
        try (RunRegistry registry = RunRegistry.open(db.toString())) {
            Run run = registry.get(id.substring(0, 8));
            assertThat(run.id()).isEqualTo(id);
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.jobId()).isEqualTo("17");
            assertThat(run.host()).isEqualTo("node1");
            assertThat(run.exitCode()).isZero();
            assertThat(run.command()).containsExactly("train", "--epochs", "2");
            assertThat(run.config()).containsEntry("epochs", 2).containsEntry("model", "small");
            assertThat(run.metrics()).containsEntry("val_auc", 0.93).containsEntry("train_loss", 0.2);
            assertThat(run.artefacts()).containsEntry("model", "/runs/a/best.ckpt");
            assertThat(run.startedAt()).isNotNull();
            assertThat(run.endedAt()).isAfterOrEqualTo(run.startedAt());
            assertThat(run.metricsFile()).isEqualTo("/runs/a/metrics.jsonl");
            assertThat(run.user()).isEqualTo(System.getProperty("user.name"));
        }
    }

    @Test
    void findsRunsByPrefixAndRejectsUnknownOrAmbiguousIds() {
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            String a = registry.newRun("tile").create();
            String b = registry.newRun("tile").create();
            assertThat(registry.list(null, 10)).extracting(Run::id).containsExactlyInAnyOrder(a, b);
            assertThat(registry.list("train", 10)).isEmpty();
            assertThatThrownBy(() -> registry.get("tile-")).isInstanceOf(UserException.class)
                    .hasMessageContaining("ambiguous").hasMessageContaining(a).hasMessageContaining(b);
            assertThatThrownBy(() -> registry.get("nope")).isInstanceOf(UserException.class)
                    .hasMessageContaining("no run nope").hasMessageContaining("histoscale runs list");
        }
    }

    @Test
    void arrayTasksAndSeveralWritersShareOneFile() throws Exception {
        String db = dir.resolve("runs.db").toString();
        String id;
        try (RunRegistry registry = RunRegistry.open(db)) {
            id = registry.newRun("tile").create();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int task = t;
            done.add(pool.submit(() -> {
                try (RunRegistry own = RunRegistry.open(db)) {
                    own.putTask(id, new RunTask(task, "40_" + task, RunStatus.PENDING, 1, null, "log-" + task, null));
                    own.taskStatus(id, task, task == 5 ? RunStatus.FAILED : RunStatus.COMPLETED, task == 5 ? 3 : 0,
                            task == 5 ? "boom" : null);
                    own.putMetrics(id, Map.of("task" + task, (double) task));
                }
            }));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        try (RunRegistry registry = RunRegistry.open(db)) {
            Run run = registry.get(id);
            assertThat(run.tasks()).hasSize(8);
            assertThat(run.tasks().get(5)).isEqualTo(new RunTask(5, "40_5", RunStatus.FAILED, 1, 3, "log-5", "boom"));
            assertThat(run.tasks()).filteredOn(t -> t.status() == RunStatus.COMPLETED).hasSize(7);
            assertThat(run.metrics()).hasSize(8).containsEntry("task7", 7.0);
        }
    }

    @Test
    void schemaIsMigratedByFlyway() throws Exception {
        Path db = dir.resolve("runs.db");
        RunRegistry.open(db.toString()).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet r = c.createStatement().executeQuery("SELECT version, success FROM registry_schema_history "
                     + "WHERE version IS NOT NULL ORDER BY installed_rank")) {
            for (String version : List.of("1", "2", "3", "4")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo(version);
                assertThat(r.getBoolean(2)).isTrue();
            }
            assertThat(r.next()).isFalse();
        }
    }

    /** A registry made before users were recorded keeps its runs, without a user, and records users from then on. */
    @Test
    void aRegistryOfTheFirstSchemaIsUpgraded() throws Exception {
        Path db = dir.resolve("runs.db");
        Flyway.configure().dataSource("jdbc:sqlite:" + db, null, null)
                .locations("classpath:io/histoscale/registry/migration").table("registry_schema_history")
                .target("1").load().migrate();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().executeUpdate("INSERT INTO runs (id, kind, command, config, status, created_at, "
                    + "executor) VALUES ('tile-000001', 'tile', '[\"tile\"]', '{}', 'COMPLETED', 1000, 'local')");
        }
        try (RunRegistry registry = RunRegistry.open(db.toString())) {
            Run old = registry.get("tile-000001");
            assertThat(old.user()).isNull();
            assertThat(old.command()).containsExactly("tile");
            String id = registry.newRun("train").create();
            assertThat(registry.get(id).user()).isEqualTo(System.getProperty("user.name"));
        }
    }

    @Test
    void unreachableDatabaseIsOneClearError() throws Exception {
        assertThatThrownBy(() -> RunRegistry.open("jdbc:postgresql://127.0.0.1:1/runs?connectTimeout=2"))
                .isInstanceOf(UserException.class).hasMessageContaining("jdbc:postgresql://127.0.0.1:1/runs")
                .hasMessageNotContaining("--").satisfies(e -> assertThat(((UserException) e).key()).hasValue("store"));
        // the library names its setting by key; each front end words it (the command line as --store)
        Path file = java.nio.file.Files.createFile(dir.resolve("a-file"));
        assertThatThrownBy(() -> RunRegistry.open(file.resolve("runs.db").toString()))
                .isInstanceOf(UserException.class).hasMessageContaining("give a writable file")
                .hasMessageNotContaining("--").satisfies(e -> assertThat(((UserException) e).key()).hasValue("store"));
    }

    @Test
    void aFileThatIsNotARegistryIsRefusedAtOnceAndLeftAlone() throws Exception {
        Path text = java.nio.file.Files.writeString(dir.resolve("notes.db"), "meeting notes, not a database\n".repeat(20));
        long start = System.nanoTime();
        assertThatThrownBy(() -> RunRegistry.open(text.toString())).isInstanceOf(UserException.class)
                .hasMessageStartingWith(text + " is not a HistoScale run registry (not an SQLite database)")
                .satisfies(e -> assertThat(((UserException) e).key()).hasValue("store"));
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(3);
        assertThat(text).hasContent("meeting notes, not a database\n".repeat(20).stripTrailing());

        Path other = dir.resolve("other.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE songs (title TEXT)");
        }
        assertThatThrownBy(() -> RunQueries.open(other.toString())).isInstanceOf(UserException.class)
                .hasMessageContaining(other + " is not a HistoScale run registry (an SQLite database of another "
                        + "program, with tables [songs])");
    }
}
