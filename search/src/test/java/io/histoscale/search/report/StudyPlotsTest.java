package io.histoscale.search.report;

import io.histoscale.registry.Studies;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.StudySummary;
import io.histoscale.search.TrialState;
import io.histoscale.search.report.StudyPlots.ModelPoint;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;
import io.histoscale.search.worker.TrialRunner;
import io.histoscale.search.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The study figures and the analyses behind them, on a real SQLite study whose trials are a closed-form objective
 * (no training): the metric depends on {@code x} alone.
 */
class StudyPlotsTest {

    static final String SPACE = """
            x: {type: float, low: 0.0, high: 1.0}
            noise: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
            optimizer: {type: categorical, choices: [adam, sgd]}
            momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [sgd]}}
            layers: {type: int, low: 1, high: 4}
            epochs: 3
            """;

    /** AUC = 0.5 + 0.4 x; trial 3 fails, every fifth is pruned after one epoch. */
    static final TrialRunner LINEAR = trial -> {
        double x = ((Number) trial.params().get("x")).doubleValue();
        double auc = 0.5 + 0.4 * x;
        if (trial.number() == 3) return new TrialRunner.Outcome(TrialState.FAILED, null, 1, "boom");
        for (int e = 1; e <= 3; e++) {
            trial.report(e, auc * e / 3);
            if (e == 1 && trial.number() % 5 == 4) {
                return new TrialRunner.Outcome(TrialState.PRUNED, auc / 3, 1, "pruned");
            }
        }
        return new TrialRunner.Outcome(TrialState.COMPLETE, auc, 3, null);
    };

    @TempDir
    Path dir;

    StudySummary study(int trials) {
        Studies store = Studies.open(dir.resolve("runs.db").toString());
        SearchConfig config = new SearchConfig("plots", SPACE, dir.resolve("data").toString(),
                dir.resolve("out").toString(), "val_auc", "random", Map.of(), "none", Map.of(), trials, 11, Map.of(),
                60.0, 1, 0);
        Study s = Study.create(store, config);
        new Worker(s, LINEAR, WorkerId.current(0), line -> { }).run();
        return StudySummary.of(s);
    }

    @Test
    void importanceRanksTheParameterThatDrivesTheMetricFirst() {
        StudySummary s = study(40);
        assertThat(s.count(TrialState.COMPLETE)).isGreaterThan(25);
        Map<String, Double> importance = StudyPlots.importance(s.config().searchSpace(), s.trials());

        assertThat(importance).containsOnlyKeys("x", "noise", "optimizer", "momentum", "layers");
        assertThat(importance.keySet().iterator().next()).as(importance.toString()).isEqualTo("x");
        assertThat(importance.get("x")).as(importance.toString()).isGreaterThan(0.8);
        for (String other : List.of("noise", "optimizer", "momentum", "layers")) {
            assertThat(importance.get(other)).as(other).isLessThan(importance.get("x"));
        }
        assertThat(importance.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void withOneTrialEveryImportanceIsZero() {
        StudySummary s = study(1);
        assertThat(StudyPlots.importance(s.config().searchSpace(), s.trials()).values()).allMatch(v -> v == 0.0);
    }

    static ModelPoint p(int trial, long params, double auc) {
        return new ModelPoint(trial, TrialState.COMPLETE, "net" + trial, params, params * 100, auc);
    }

    @Test
    void theParetoFrontKeepsTiesAndDropsDominatedPoints() {
        List<ModelPoint> points = List.of(
                p(0, 1_000, 0.70),
                p(1, 1_000, 0.70),   // the same as 0: neither dominates, both on the front
                p(2, 1_000, 0.65),   // same size, worse: dominated by 0
                p(3, 5_000, 0.80),
                p(4, 8_000, 0.80),   // same value, larger: dominated by 3
                p(5, 20_000, 0.78),  // larger and worse than 3
                p(6, 50_000, 0.90),
                p(7, 500, 0.60),     // the smallest is always on the front
                p(8, 60_000, 0.90)); // ties 6 on the metric but larger
        assertThat(StudyPlots.paretoFront(points, true)).extracting(ModelPoint::trial)
                .containsExactly(7, 0, 1, 3, 6);
        // for a loss, lower is better: the smallest network with the lowest loss dominates all larger ones
        assertThat(StudyPlots.paretoFront(points, false)).extracting(ModelPoint::trial).containsExactly(7);
        assertThat(StudyPlots.paretoFront(List.of(), true)).isEmpty();
        // PRUNED trials are not candidates
        List<ModelPoint> withPruned = List.of(p(0, 1_000, 0.7),
                new ModelPoint(1, TrialState.PRUNED, "small", 100, 1, 0.9));
        assertThat(StudyPlots.completeFront(withPruned, true)).extracting(ModelPoint::trial).containsExactly(0);
    }

    @Test
    void theFourFiguresAreDecodablePngsOfTheirSizeAndTheSameEachTime() throws Exception {
        StudySummary s = study(16);
        assertThat(s.count(TrialState.FAILED)).isEqualTo(1);
        assertThat(s.count(TrialState.PRUNED)).isPositive();
        List<ModelPoint> models = List.of(p(0, 1_000, 0.70), p(2, 30_000, 0.75), p(5, 400_000, 0.9),
                new ModelPoint(4, TrialState.PRUNED, "netp", 2_000, -1, 0.3));
        List<Path> files = StudyPlots.write(s, models, dir.resolve("figures"));
        assertThat(files).extracting(f -> f.getFileName().toString()).containsExactlyElementsOf(StudyPlots.FILES);
        for (Path f : files) {
            assertThat(Files.size(f)).as(f.toString()).isGreaterThan(2_000);
            BufferedImage image = ImageIO.read(f.toFile());
            assertThat(image).as(f.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(StudyPlots.WIDTH);
            assertThat(image.getHeight()).isEqualTo(StudyPlots.HEIGHT);
            assertThat(colours(image)).as(f + ": more than text on white").isGreaterThan(20);
        }
        List<Path> again = StudyPlots.write(s, models, dir.resolve("again"));
        for (int i = 0; i < files.size(); i++) {
            assertThat(Files.readAllBytes(again.get(i))).as(again.get(i).toString())
                    .isEqualTo(Files.readAllBytes(files.get(i)));
        }
        // no models: the Pareto figure says so instead of failing
        StudyPlots.writePareto(s.config(), List.of(), dir.resolve("empty.png"));
        assertThat(ImageIO.read(dir.resolve("empty.png").toFile()).getWidth()).isEqualTo(StudyPlots.WIDTH);
    }

    private static int colours(BufferedImage image) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) seen.add(image.getRGB(x, y));
        }
        return seen.size();
    }
}
