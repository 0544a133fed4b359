package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.parallel.Communicator;
import io.histoscale.train.CrossValidationResult;
import io.histoscale.train.EpochMetrics;
import io.histoscale.train.Optimizer;
import io.histoscale.train.RunInfo;
import io.histoscale.train.Schedule;
import io.histoscale.train.StainNormalisation;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.TrainListener;
import io.histoscale.train.TrainRequest;
import io.histoscale.train.TrainResult;
import io.histoscale.train.Training;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.metrics.Metrics;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", sortOptions = false, defaultValueProvider = ConfigFlags.TrainDefaults.class, description = {
        "Train a patch classifier on a patch store or an image folder, split by patient, slide or centre.",
        "RUN_DIR gets run.json (configuration and provenance), metrics.jsonl (one line per epoch), last.ckpt "
                + "(written atomically every epoch and every --checkpoint-minutes) and best.ckpt (the model).",
        "--resume RUN_DIR continues a killed run exactly where its last checkpoint left it."})
final class TrainCommand implements Callable<Integer>, Submittable {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "STORE|FOLDER", description = "Patch store, or folder of class sub-folders of images.")
    Path data;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "New folder for the run.")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in this folder (with its own configuration; --data only if the data moved).")
    Path resume;

    @Option(names = "--model", description = "small, resnet18, resnet34, resnet50 or a CNN genome such as cnn-s4-b2-w1.00-k3-residual-se (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", description = "Epochs at most (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", description = "Patches per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps-per-epoch", description = "Steps per epoch; 0 for one pass over the training patches (default).")
    int stepsPerEpoch;

    @Option(names = "--lr", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", description = "adam or sgd (with --momentum) (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", description = "L2 weight decay (default ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", description = "cosine, step or constant, after the warm-up (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup-epochs", description = "Epochs of linear warm-up (default ${DEFAULT-VALUE}).")
    double warmupEpochs;

    @Option(names = "--step-epochs", description = "Step schedule: epochs between decays (default ${DEFAULT-VALUE}).")
    int stepEpochs;

    @Option(names = "--gamma", description = "Step schedule: decay factor (default ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--patience", description = "Stop after this many epochs without a better validation AUC; 0 never (default ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--balance", description = "Draw every class equally often in training (for rare tumour patches).")
    boolean balance;

    @Option(names = "--group-by", description = "patient, slide or centre: no group is in two splits (default ${DEFAULT-VALUE}).")
    GroupBy groupBy;

    @Option(names = "--val-fraction", description = "Share of the groups for validation; 0 for none (default ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--val-patches", description = "Validate on a fixed random subset of this many patches; 0 for all (default).")
    int valPatches;

    @Option(names = "--cv-folds", description = "Cross-validate over K folds of groups instead of one split (writes cv.json).")
    int cvFolds;

    @Option(names = "--positive-class", description = "Class AUC, sensitivity and specificity refer to (default: the first class named tumo*, metastasis, carcinoma or cancer in any case, else the second class; recorded in run.json).")
    String positiveClass;

    @Option(names = "--size", description = "Side of the network input; 0 for the whole (down-sampled) patch (default).")
    int size;

    @Option(names = "--downsample", description = "Shrink patches by this integer factor first (default ${DEFAULT-VALUE}).")
    int downsample;

    @Option(names = "--patch-size", defaultValue = "0", description = "Side folder images are read at; 0 for the first image's (default).")
    int patchSize;

    @Option(names = "--augment", description = "Comma-separated flip, rot90, crop, hed, colour; or none (default ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--hed-jitter", description = "Strength of the HED stain jitter (default ${DEFAULT-VALUE}).")
    double hedJitter;

    @Option(names = "--colour-jitter", description = "Strength of brightness/contrast/saturation jitter (default ${DEFAULT-VALUE}).")
    double colourJitter;

    @Option(names = "--stain-norm", description = "none or macenko (default ${DEFAULT-VALUE}).")
    String stainNorm;

    @Option(names = "--stain-reference", paramLabel = "IMAGE", description = "Macenko reference image (default: fitted to training patches).")
    Path stainReference;

    @Option(names = "--seed", description = "Seed of weights, splits, shuffling and augmentation (default ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "PyTorch threads (default: all cores).")
    Integer threads;

    @Option(names = "--workers", description = "Data loader threads (default: half the cores).")
    Integer workers;

    @Option(names = "--prefetch", description = "Batches loaded ahead (default ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--checkpoint-minutes", description = "Minutes between checkpoints within an epoch (default ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--json", description = "Print the result as JSON at the end.")
    boolean json;

    @Mixin(name = ExecutorOptions.MIXIN)
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Option(names = "--ranks", defaultValue = "1", description = {"Data-parallel processes, each with --batch patches "
            + "per step and the learning rate scaled by N: runs mpirun -np N on this machine; in an sbatch script, "
            + "run the command under srun --mpi=pmix with N tasks instead (default ${DEFAULT-VALUE})."})
    int ranks;

    @Override
    public void checkBeforeSubmit() {
        checkRunFolder();
        if (resume == null) config();
    }

    private void checkRunFolder() {
        if (resume != null && out != null) {
            throw new UserException("give either --out (a new run) or --resume (an existing one), not both");
        }
        if (resume == null && (data == null || out == null)) {
            throw new UserException("give --data and --out for a new run, or --resume RUN_DIR");
        }
    }

    @Override
    public Integer call() {
        checkRunFolder();
        if (ParallelTrain.mustLaunch(ranks)) {
            return ParallelTrain.launch(ranks, spec.commandLine().getParseResult().originalArgs());
        }
        try (Communicator world = ParallelTrain.join(ranks)) {
            try {
                Listener listener = new Listener();
                TrainListener mine = world.rank() == 0 ? listener : TrainListener.NONE;
                Training.Outcome outcome = resume != null ? Training.resume(resume, data, mine, world)
                        : Training.start(TrainRequest.builder(config(), data, out).optFolderPatchSize(patchSize)
                        .optCodeVersion(codeVersion()).optCommand(spec.commandLine().getParseResult().originalArgs())
                        .optListener(mine).optGroup(world).build());
                listener.close();
                if (world.rank() == 0) {
                    print(outcome);
                }
            } catch (RuntimeException e) {
                if (world.size() == 1) {
                    throw e;
                }
                ParallelTrain.fail(world, e, System.err);
                return 2;
            }
        }
        return 0;
    }

    TrainConfig config() {
        TrainConfig.Builder b = TrainConfig.builder().setModel(model).optEpochs(epochs).optBatchSize(batch)
                .optStepsPerEpoch(stepsPerEpoch).optOptimizer(Optimizer.parse(optimizer)).optLearningRate(lr).optMomentum(momentum)
                .optWeightDecay(weightDecay).optSchedule(Schedule.parse(schedule)).optWarmupEpochs(warmupEpochs)
                .optStep(stepEpochs, gamma).optPatience(patience).optBalance(balance).optGroupBy(groupBy)
                .optValFraction(valFraction).optValPatches(valPatches).optCvFolds(cvFolds)
                .optPositiveClass(positiveClass).optInputSize(size).optDownsample(downsample)
                .optAugmentation(Augmentation.parse(augment, hedJitter, colourJitter))
                .optStainNormalisation(StainNormalisation.parse(stainNorm), stainReference == null ? null : stainReference.toString())
                .optSeed(seed).optDevice(device).optPrefetch(prefetch).optCheckpointMinutes(checkpointMinutes);
        if (threads != null) {
            b.optThreads(threads);
        } else if (ranks > 1) {
            b.optThreads(ParallelTrain.threadsPerRank(ranks));
        }
        if (workers != null) {
            b.optWorkers(workers);
        } else if (ranks > 1) {
            b.optWorkers(Math.max(1, ParallelTrain.threadsPerRank(ranks) / 2));
        }
        return b.build();
    }

    /**
     * HistoScale's version and, when it runs from a git checkout ({@code histoscale.root}, set by the launcher), the
     * commit, marked when the checkout has uncommitted changes.
     */
    static String codeVersion() {
        String version = Main.version();
        String root = System.getProperty("histoscale.root");
        if (root == null) {
            return version;
        }
        try {
            String commit = git(root, "rev-parse", "--short=12", "HEAD");
            boolean changed = !git(root, "status", "--porcelain", "--untracked-files=no").isEmpty();
            return commit.isEmpty() ? version
                    : version + " (git " + commit + (changed ? ", with uncommitted changes" : "") + ")";
        } catch (IOException e) {
            return version;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return version;
        }
    }

    private static String git(String root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", root));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return git.waitFor() == 0 ? out : "";
    }

    private void print(Training.Outcome outcome) {
        if (json) {
            Object result = outcome.result() != null ? outcome.result() : outcome.crossValidation();
            System.out.println(Json.pretty(result));
            return;
        }
        TrainResult r = outcome.result();
        if (r != null) {
            String why = r.stoppedEarly() ? "stopped early: validation did not improve; " : "";
            System.out.printf(Locale.ROOT, "%smodel: epoch %d in %s%n", why, r.bestEpoch(), r.dir().resolve("best.ckpt"));
            if (r.best() != null) {
                System.out.println("validation: " + describe(r.best()));
            }
            return;
        }
        CrossValidationResult cv = outcome.crossValidation();
        for (CrossValidationResult.Fold f : cv.folds()) {
            System.out.printf(Locale.ROOT, "fold %d (held out %s): %s%n", f.fold(), String.join(", ", f.valGroups()),
                    describe(f.metrics()));
        }
        System.out.println("pooled held-out predictions: " + describe(cv.pooled()));
        System.out.println(cv.meanAuc() == null
                ? "mean AUC over folds: undefined (no fold held out both classes)"
                : String.format(Locale.ROOT, "mean AUC over the %d fold(s) holding both classes: %.3f%s",
                cv.foldsWithAuc(), cv.meanAuc(), cv.sdAuc() == null ? "" : String.format(Locale.ROOT, " ± %.3f", cv.sdAuc())));
    }

    /** {@code n 120, loss 0.123, accuracy 0.950, AUC 0.987, sensitivity 0.900, specificity 0.975}. */
    static String describe(Metrics m) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "n %d", m.count()));
        append(s, "loss", m.loss());
        append(s, "accuracy", m.accuracy());
        append(s, "AUC", m.auc());
        append(s, "sensitivity", m.sensitivity());
        append(s, "specificity", m.specificity());
        return s.toString();
    }

    private static void append(StringBuilder s, String name, Double value) {
        if (value != null) {
            s.append(String.format(Locale.ROOT, ", %s %.3f", name, value));
        }
    }

    /** A progress bar per epoch on stderr, and one line per epoch on stdout. */
    private static final class Listener implements TrainListener {
        private ProgressBar bar;
        private String fold = "";
        private int epochs;

        @Override
        public void runStarted(RunInfo run, Path dir, Integer foldNumber) {
            fold = foldNumber == null ? "" : "fold " + foldNumber + " ";
            epochs = run.config().epochs();
            RunInfo.SplitInfo split = run.split();
            System.out.printf(Locale.ROOT, "%s%s; %d training patches (%d %ss), %d validation patches -> %s%n",
                    fold, run.model().spec().describe(), split.trainPatches(),
                    split.trainGroups().size(), split.groupBy().name().toLowerCase(Locale.ROOT), split.valPatches(),
                    dir);
        }

        @Override
        public void epochStarted(int epoch, int epochs, int steps, int firstStep) {
            close();
            bar = ProgressBars.bar(fold + "epoch " + epoch + "/" + epochs, steps, "steps");
            bar.stepTo(firstStep);
        }

        @Override
        public void stepFinished(float loss) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }

        @Override
        public void validationStarted(long patches) {
            bar.setExtraMessage("validating " + patches + " patches");
        }

        @Override
        public void epochFinished(EpochMetrics m) {
            close();
            System.out.printf(Locale.ROOT, "%sepoch %d/%d: train loss %.4f, %.0f images/s, %.1f s%s%s%n", fold,
                    m.epoch(), epochs, m.trainLoss(), m.imagesPerSecond(), m.seconds(),
                    m.val() == null ? "" : "; validation " + describe(m.val()), m.best() ? " *" : "");
        }

        void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
