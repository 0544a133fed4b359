package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.search.TrialState;
import io.histoscale.search.report.StudyPlots;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code search show --plots} and {@code search pareto} on a real study of two tiny trained trials. */
class SearchPlotsCommandTest {

    @TempDir
    Path dir;

    static final String SPACE = """
            learning_rate: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
            model: cnn
            arch.stages: {type: int, low: 1, high: 2}
            arch.block: {type: categorical, choices: [plain, residual]}
            epochs: 1
            batch_size: 8
            warmup_epochs: 0
            patience: 0
            """;

    @Test
    void theFiguresAndTheParetoTableOfATrainedStudy() throws Exception {
        Path store = SyntheticPatches.builder().slides(4).perSlide(8).size(24).seed(3).write(dir.resolve("store"));
        Path space = Files.writeString(dir.resolve("space.yaml"), SPACE);
        String registry = dir.resolve("runs.db").toString();
        Path trials = dir.resolve("trials");
        CliTest.Run run = CliTest.run("search", "run", "--space", space.toString(), "--data", store.toString(),
                "--study", "p", "--trials", "2", "--store", registry, "--out", trials.toString(), "--sampler",
                "random", "--scheduler", "none", "--set", "threads=1", "--set", "val_fraction=0.5", "--set",
                "group_by=slide");
        assertThat(run.status()).as(run.out() + run.err()).isZero();

        CliTest.Run json = CliTest.run("search", "pareto", "p", "--store", registry, "--json");
        assertThat(json.status()).as(json.err()).isZero();
        var o = Json.tree(json.out());
        assertThat(o.get("metric").asText()).isEqualTo("val_auc");
        assertThat(o.get("trials")).hasSize(2);
        List<StudyPlots.ModelPoint> points = new ArrayList<>();
        for (var t : o.get("trials")) {
            RunInfo.ModelInfo model = RunInfo.read(trials.resolve(String.format("trial-%04d", t.get("trial").asInt())))
                    .model();
            assertThat(t.get("architecture").asText()).isEqualTo(model.architecture()).startsWith("cnn-");
            assertThat(t.get("parameters").asLong()).isEqualTo(model.parameters()).isPositive();
            assertThat(t.get("macs").asLong()).isEqualTo(model.spec().flops()).isPositive();
            points.add(new StudyPlots.ModelPoint(t.get("trial").asInt(), TrialState.valueOf(t.get("state").asText()),
                    t.get("architecture").asText(), t.get("parameters").asLong(), t.get("macs").asLong(),
                    t.get("value").asDouble()));
        }
        List<Integer> front = new ArrayList<>();
        o.get("front").forEach(n -> front.add(n.asInt()));
        assertThat(front).isNotEmpty().containsExactlyElementsOf(StudyPlots.completeFront(points, true).stream()
                .map(StudyPlots.ModelPoint::trial).toList());

        CliTest.Run table = CliTest.run("search", "pareto", "p", "--store", registry, "--plots",
                dir.resolve("pf").toString());
        assertThat(table.status()).as(table.err()).isZero();
        assertThat(table.out()).contains("TRIAL", "FRONT", "ARCHITECTURE", "PARAMETERS", "MACS", "VAL_AUC")
                .contains("on the front (*)").contains("wrote " + dir.resolve("pf").resolve("pareto.png"));
        assertThat(table.out().lines().filter(l -> l.matches("\\d+\\s+\\*\\s.*")).count()).isEqualTo(front.size());

        Path figures = dir.resolve("figures");
        CliTest.Run show = CliTest.run("search", "show", "p", "--store", registry, "--plots", figures.toString());
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(show.out()).contains("study p: 2/2 trials ended");
        for (String name : StudyPlots.FILES) {
            Path f = figures.resolve(name);
            assertThat(show.out()).contains("wrote " + f);
            BufferedImage image = ImageIO.read(f.toFile());
            assertThat(image.getWidth()).as(name).isEqualTo(StudyPlots.WIDTH);
            assertThat(image.getHeight()).as(name).isEqualTo(StudyPlots.HEIGHT);
        }
        CliTest.Run showJson = CliTest.run("search", "show", "p", "--store", registry, "--json", "--plots",
                dir.resolve("j").toString());
        assertThat(showJson.status()).as(showJson.err()).isZero();
        assertThat(Json.tree(showJson.out()).get("plots")).hasSize(4);
    }
}
