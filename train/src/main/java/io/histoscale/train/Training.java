package io.histoscale.train;

import io.histoscale.core.Hashing;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.Pixels;
import io.histoscale.dataset.PositiveClass;
import io.histoscale.dataset.Splits;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.ModelWeights;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.Macenko;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.data.Seeds;
import io.histoscale.train.metrics.Metrics;
import io.histoscale.train.step.ProximalTerm;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Starts and resumes training runs — a single group-wise train/validation split, or a cross-validation over groups
 * ({@link TrainConfig#cvFolds()}), on one process or data-parallel ranks — and fits in memory for federated sites.
 * All of them train through the one loop ({@link Trainer}).
 *
 * <pre>{@code
 * TrainConfig config = TrainConfig.builder().setModel("small").optEpochs(5).build();
 * Training.Outcome done = Training.start(TrainRequest.builder(config, Path.of("store"), Path.of("run")).build());
 * Training.Outcome again = Training.resume(Path.of("run"), null, listener);   // after an interruption
 * }</pre>
 */
public final class Training {

    /** Training patches the Macenko reference stains are fitted on, at most. */
    static final int STAIN_FIT_PATCHES = 32;
    /** Pixels the Macenko reference stains are fitted on, at most. */
    static final int STAIN_FIT_PIXELS = 1 << 20;

    private Training() {
    }

    /**
     * How a run ended: {@code result} for a single split, {@code crossValidation} (and per-fold runs in
     * {@code fold-N/}) for cross-validation; the other is null.
     */
    public record Outcome(RunInfo run, TrainResult result, CrossValidationResult crossValidation) {
    }

    /**
     * Starts a new run in the request's {@code out} folder, which must be absent or empty. With data-parallel ranks,
     * every rank calls this with the same request; rank 0 creates the run's files, and each rank trains on its share
     * of every global batch of {@code group.size()} × {@code config.batchSize()} patches.
     *
     * @throws UserException on every rank when the ranks were given different configurations
     */
    public static Outcome start(TrainRequest request) {
        ProcessGroup group = request.group();
        TrainConfig config = request.config();
        requireSameEverywhere(group, "the training configuration", Json.line(config) + "\n"
                + absolute(request.data()) + "\n" + request.folderPatchSize() + "\n" + absolute(request.out()));
        onRankZero(group, () -> requireEmpty(request.out()));
        try (DataSources.Opened opened = DataSources.open(request.data(), request.folderPatchSize())) {
            onRankZero(group, () -> newRun(config, opened, request.codeVersion(), request.command())
                    .write(request.out()));
            return train(RunInfo.read(request.out()), opened.source(), request.out(), request.listener(), group);
        }
    }

    /**
     * Continues the run in {@code runDir} after its last checkpoint, with the configuration it was started with.
     *
     * @param data the data, when it has moved since the run started; null for the recorded path
     * @throws UserException when the data differ from those the run was started on
     */
    public static Outcome resume(Path runDir, Path data, TrainListener listener) {
        return resume(runDir, data, listener, ProcessGroup.SINGLE);
    }

    /**
     * Continues a run with the ranks of {@code group}, however many trained it before.
     *
     * @throws UserException on every rank when the ranks were given different run folders or data
     */
    public static Outcome resume(Path runDir, Path data, TrainListener listener, ProcessGroup group) {
        requireSameEverywhere(group, "the run to resume", absolute(runDir) + "\n" + (data == null ? "" : absolute(data)));
        RunInfo run = RunInfo.read(runDir);
        Path path = data != null ? data : Path.of(run.data().path());
        try (DataSources.Opened opened = DataSources.open(path, run.data().width())) {
            if (!opened.info().sha256().equals(run.data().sha256())) {
                throw UserException.forKey("data", path + " is not the data run " + runDir + " was trained on "
                        + "(its manifest hash " + opened.info().sha256() + " differs from " + run.data().sha256()
                        + "): give the original data");
            }
            return train(run, opened.source(), runDir, listener, group);
        }
    }

    /**
     * Trains a stretch of a budget from given weights, in memory: a federated site's task. The same loop, defaults,
     * positive-class rule and stain normalisation as a run; the network is {@code config.model()} at
     * {@code config.inputSize()} (0: the shrunk patch) with one output per class of the source.
     */
    public static FitResult fit(FitRequest request) {
        TrainConfig c = request.config();
        PatchSource source = request.source();
        List<String> classes = source.labelNames();
        PositiveClass positive = PositiveClass.of(c.positiveClass(), classes);
        int inputSize = c.inputSize() > 0 ? c.inputSize() : Math.min(source.width(), source.height()) / c.downsample();
        ModelSpec spec = ModelSpec.builder().setArchitecture(c.model()).setNumClasses(classes.size())
                .optInputSize(inputSize).build();
        Macenko.Stains stains = stainReference(c, source, c.downsample(), inputSize, request.train());
        Trainer.Setup setup = new Trainer.Setup(c, spec, c.downsample(), source, request.train(),
                request.validation(), classes, positive.index(), stains);
        Trainer.Segment segment = new Trainer.Segment(request.fromEpoch(), request.toEpoch(), request.budgetEpochs(),
                request.keepBest(), request.keepBest() ? c.patience() : 0);
        InMemory output = new InMemory();
        Trainer.Summary s = new Trainer(setup, segment, output, request.listener(), ProcessGroup.SINGLE,
                request.start(), request.proximalMu() > 0 ? new ProximalTerm(request.start(), request.proximalMu())
                : null).run();
        EpochMetrics last = s.history().get(s.history().size() - 1);
        return new FitResult(output.weights, s.images(), s.steps(), s.steps() / (double) s.stepsPerEpoch(),
                s.trainSeconds(), s.lossSum() / Math.max(1, s.steps()),
                request.keepBest() ? s.best() : last.val(), s.history());
    }

    /** A fit's products: the kept weights, in memory. */
    private static final class InMemory implements Trainer.Output {
        ModelWeights weights;

        @Override
        public Path lastCheckpoint() {
            return null;
        }

        @Override
        public boolean keepsCheckpoints() {
            return false;
        }

        @Override
        public void started(List<EpochMetrics> history) {
        }

        @Override
        public void best(FlatParameters parameters, int epoch, Metrics val) {
            weights = ModelWeights.of(parameters);
        }

        @Override
        public void checkpoint(Checkpoint checkpoint) {
        }

        @Override
        public void epochFinished(EpochMetrics metrics) {
        }
    }

    private static Outcome train(RunInfo run, PatchSource source, Path runDir, TrainListener listener,
                                 ProcessGroup group) {
        if (run.config().cvFolds() > 0) {
            if (group.size() > 1) {
                throw UserException.forKey("cv_folds", "with several ranks is not supported yet: cross-validate "
                        + "with one rank, or train a single split on several");
            }
            return new Outcome(run, null, CrossValidation.run(run, source, runDir, listener));
        }
        return new Outcome(run, RunFolder.train(run, source, runDir, listener, group), null);
    }

    /**
     * Runs {@code action} on rank 0 only and tells every rank whether it failed, so that no rank waits for one that
     * has stopped; rank 0 rethrows its failure, the others report it.
     */
    private static void onRankZero(ProcessGroup group, Runnable action) {
        RuntimeException failure = null;
        if (group.rank() == 0) {
            try {
                action.run();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        boolean failed = group.allgather(new double[] {failure == null ? 0 : 1})[0] != 0;
        if (failure != null) {
            throw failure;
        }
        if (failed) {
            throw new UserException("rank 0 could not start the run: see its error message");
        }
    }

    /** @throws UserException on every rank unless all ranks give the same {@code text} */
    private static void requireSameEverywhere(ProcessGroup group, String what, String text) {
        if (group.size() == 1) {
            return;
        }
        double[] all = group.allgather(new double[] {fingerprint(text)});
        for (int r = 1; r < all.length; r++) {
            if (all[r] != all[0]) {
                throw new UserException("ranks disagree on " + what + ": rank " + r + "'s differs from rank 0's; "
                        + "launch every rank with the same arguments");
            }
        }
    }

    /** 48 bits of the text's SHA-256: exact in a double. */
    private static double fingerprint(String text) {
        return Long.parseLong(Hashing.sha256Hex(text).substring(0, 12), 16);
    }

    private static String absolute(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** The run.json of a new run; with cross-validation, the parent's (the folds get theirs as they start). */
    static RunInfo newRun(TrainConfig c, DataSources.Opened data, String codeVersion, List<String> command) {
        PatchSource source = data.source();
        List<String> labels = data.info().labels();
        if (labels.size() < 2) {
            throw UserException.forKey("data", data.info().path() + " has " + (labels.isEmpty() ? "no labels"
                    : "one class only " + labels) + ": training needs labelled patches of at least 2 classes");
        }
        int inputSize = c.inputSize() > 0 ? c.inputSize() : Math.min(source.width(), source.height()) / c.downsample();
        ModelSpec spec = ModelSpec.builder().setArchitecture(c.model()).setNumClasses(labels.size())
                .optInputSize(inputSize).build();
        // fails now, not after the set-up, when the patch does not hold the input
        new PatchTransform(source.width(), source.height(), c.downsample(), inputSize, c.augmentation(), null);
        TorchEngine engine = TorchEngine.start(new EngineSettings(c.threads(), 1, c.seed()));
        engine.device(c.device());
        RunInfo.Provenance provenance = new RunInfo.Provenance(codeVersion, Runtime.version().toString(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), engine.describe(), command);
        RunInfo.ModelInfo model = new RunInfo.ModelInfo(c.model(), labels.size(), inputSize, c.downsample(),
                spec.parameterCount());
        PositiveClass positive = PositiveClass.of(c.positiveClass(), labels);
        RunInfo run = new RunInfo(RunInfo.FORMAT, RunInfo.VERSION,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), c, data.info(), model, null,
                positive.index(), positive.rule(), null, provenance);
        if (c.cvFolds() > 0) {
            return run;
        }
        List<String> trainGroups;
        List<String> valGroups;
        if (c.valFraction() > 0) {
            Splits.Split split = Splits.by(c.groupBy()).fractions(1 - c.valFraction(), c.valFraction(), 0)
                    .seed(c.seed()).split(source);
            trainGroups = split.train().groups();
            valGroups = split.val().groups();
        } else {
            trainGroups = source.slides().stream().map(c.groupBy()::of).distinct().sorted().toList();
            valGroups = List.of();
        }
        return withSplit(run, source, trainGroups, valGroups, null);
    }

    /** A run with its split (and the stain reference fitted to its training patches, if it normalises stains). */
    static RunInfo withSplit(RunInfo run, PatchSource source, List<String> trainGroups, List<String> valGroups,
                             Integer fold) {
        TrainConfig c = run.config();
        long[] train = Groups.indices(source, c.groupBy(), trainGroups);
        long[] val = Groups.validation(source, c.groupBy(), valGroups, c.valPatches(), c.seed());
        if (train.length == 0) {
            throw new UserException("the training split (" + c.groupBy().name().toLowerCase(Locale.ROOT) + "s "
                    + trainGroups + ") holds no labelled patches");
        }
        RunInfo.SplitInfo split = new RunInfo.SplitInfo(c.groupBy(), fold, trainGroups, valGroups, train.length,
                val.length);
        return run.withSplit(split, stainReference(run, source, train));
    }

    private static Macenko.Stains stainReference(RunInfo run, PatchSource source, long[] train) {
        return stainReference(run.config(), source, run.model().downsample(), run.model().inputSize(), train);
    }

    /**
     * The Macenko reference stains of a configuration: of its reference image, else fitted to {@code train}; null
     * without stain normalisation.
     */
    public static Macenko.Stains stainReference(TrainConfig c, PatchSource source, int downsample, int inputSize,
                                         long[] train) {
        if (c.stainNormalisation() != StainNormalisation.MACENKO) {
            return null;
        }
        if (c.stainReference() != null) {
            return Macenko.reference(referenceImage(Path.of(c.stainReference())), "stain_reference "
                    + c.stainReference());
        }
        PatchTransform shrinker = new PatchTransform(source.width(), source.height(), downsample, inputSize,
                Augmentation.NONE, null);
        SplittableRandom random = Seeds.random(c.seed(), Seeds.STAIN_FIT);
        int patches = Math.min(STAIN_FIT_PATCHES, train.length);
        int pixelsPerPatch = shrinker.shrink(source.read(train[0])).length / 3;
        int step = Math.max(1, (int) ((long) patches * pixelsPerPatch / STAIN_FIT_PIXELS));
        int taken = (pixelsPerPatch + step - 1) / step;
        float[] pixels = new float[patches * taken * 3];
        int at = 0;
        for (int k = 0; k < patches; k++) {
            float[] patch = shrinker.shrink(source.read(train[random.nextInt(train.length)]));
            for (int p = 0; p < pixelsPerPatch; p += step) {
                System.arraycopy(patch, 3 * p, pixels, at, 3);
                at += 3;
            }
        }
        return Macenko.reference(pixels, "the training patches");
    }

    private static float[] referenceImage(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserException("stain_reference " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (image == null) {
            throw UserException.forKey("stain_reference", file + " is not a PNG, JPEG or TIFF image");
        }
        byte[] rgb = Pixels.rgb(image);
        float[] pixels = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            pixels[i] = rgb[i] & 0xff;
        }
        return pixels;
    }

    private static void requireEmpty(Path runDir) {
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> entries = Files.list(runDir)) {
                if (entries.findAny().isPresent()) {
                    throw UserException.forKey("out", runDir + " is not empty: give a new folder, or resume the run in it");
                }
            } catch (IOException e) {
                throw new UserException("out " + runDir + " cannot be listed: " + e.getMessage(), e);
            }
        } else if (Files.exists(runDir)) {
            throw UserException.forKey("out", runDir + " is a file: give a folder for the run");
        }
    }
}
