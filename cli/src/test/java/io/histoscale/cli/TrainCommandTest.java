package io.histoscale.cli;

import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** train and evaluate on a small store: files of the run, printed metrics, the predictions table, user errors. */
class TrainCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static synchronized Run run(Object command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
            cli.setExecutionExceptionHandler((ex, line, parsed) -> {
                line.getErr().println("histoscale: error: " + ex.getMessage());
                return 2;
            });
            int status = cli.execute(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** 4 slides of 24 patches, 24 px: tumour patches are darker and bluer, with noise. */
    private Path store() {
        Path store = dir.resolve("store");
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(24).labels("normal", "tumour").build();
        try (PatchStoreWriter writer = PatchStore.create(store, spec)) {
            for (int s = 0; s < 4; s++) {
                try (SlideBatch batch = writer.beginSlide(new SlideEntry("slide-" + s, "patient-" + s, null, 2.0))) {
                    SplittableRandom random = new SplittableRandom(s);
                    for (int k = 0; k < 24; k++) {
                        int label = k % 2;
                        byte[] rgb = new byte[24 * 24 * 3];
                        for (int i = 0; i < rgb.length; i++) {
                            int base = label == 1 ? (i % 3 == 2 ? 190 : 120) : (i % 3 == 1 ? 150 : 220);
                            rgb[i] = (byte) Math.max(0, Math.min(255, base + random.nextInt(41) - 20));
                        }
                        batch.add(rgb, new PatchMeta(label, 0, 24L * k, 0, 2.0, label));
                    }
                    batch.commit();
                }
            }
        }
        return store;
    }

    @Test
    void trainsThenEvaluatesWithPredictions() throws Exception {
        Path store = store();
        Path runDir = dir.resolve("run");
        Run train = run(new TrainCommand(), "--data", store.toString(), "--out", runDir.toString(), "--model", "small",
                "--epochs", "2", "--batch", "8", "--lr", "3e-3", "--val-fraction", "0.25", "--threads", "2",
                "--workers", "1", "--augment", "flip,rot90");
        assertThat(train.status()).as(train.err()).isZero();
        assertThat(train.out()).contains("epoch 1/2: train loss").contains("epoch 2/2").contains("validation: n 24");
        assertThat(runDir.resolve("run.json")).exists();
        assertThat(Files.readString(runDir.resolve("run.json"))).contains("\"sha256\"").contains("\"seed\" : 42")
                .contains("\"codeVersion\"").contains("--epochs");
        assertThat(Files.readAllLines(runDir.resolve("metrics.jsonl"))).hasSize(2);
        assertThat(runDir.resolve("best.ckpt")).exists();

        Path csv = dir.resolve("predictions.csv");
        Run evaluate = run(new EvaluateCommand(), "--model", runDir.toString(), "--data", store.toString(), "--split",
                "val", "--json", "--predictions", csv.toString());
        assertThat(evaluate.status()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("\"auc\"").contains("\"sensitivity\"").contains("\"specificity\"")
                .contains("\"labelled\" : 24").contains("\"positiveClass\" : \"tumour\"");
        assertThat(Files.readAllLines(csv)).hasSize(25).first().asString()
                .isEqualTo("index,slide,patient,x,y,label,predicted,p_normal,p_tumour");

        Run again = run(new TrainCommand(), "--resume", runDir.toString());
        assertThat(again.status()).isZero();
        assertThat(again.out()).contains("model: epoch");
        assertThat(Files.readAllLines(runDir.resolve("metrics.jsonl"))).hasSize(2);
    }

    @Test
    void settingsAreWordedByTheirFlagsAndTheirDefaultsComeFromTheTrainingConfiguration() {
        String[] base = {"train", "--data", dir.resolve("store").toString(), "--out", dir.resolve("r").toString()};
        CliTest.Run lr = CliTest.run(concat(base, "--lr", "-1"));
        assertThat(lr.status()).isEqualTo(2);
        // the library says "learning_rate -1.0: ..."; the command line names its own flag
        assertThat(lr.err()).isEqualToIgnoringNewLines("histoscale: error: --lr -1.0: give a positive rate");
        assertThat(CliTest.run(concat(base, "--optimizer", "lamb")).err())
                .contains("error: --optimizer 'lamb': expected one of [adam, sgd]");
        assertThat(CliTest.run(concat(base, "--stain-reference", "ref.png")).err())
                .contains("error: --stain-reference needs --stain-norm macenko");
        assertThat(CliTest.run(concat(base, "--batch", "1")).err()).contains("error: --batch 1: give at least 2");
        String help = CliTest.run("train", "--help").out().replaceAll("\\s+", " ");
        TrainConfig d = TrainConfig.DEFAULTS;
        assertThat(help).contains("(default " + d.model() + ")").contains("(default " + d.epochs() + ")")
                .contains("(default " + d.learningRate() + ")").contains("(default " + d.schedule().id() + ")")
                .contains("(default " + d.seed() + ")").contains("(default flip,rot90,crop,hed,colour)");
    }

    private static String[] concat(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void explainsBadUse() {
        Run noData = run(new TrainCommand(), "--out", dir.resolve("x").toString());
        assertThat(noData.status()).isEqualTo(2);
        assertThat(noData.err()).contains("--data and --out");
        Run notARun = run(new EvaluateCommand(), "--model", dir.toString(), "--data", dir.toString());
        assertThat(notARun.status()).isEqualTo(2);
        assertThat(notARun.err()).contains("holds no training run");
    }
}
