package io.histoscale.train;

import io.histoscale.core.Json;
import io.histoscale.core.JsonLines;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.FlatParameters;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.metrics.Metrics;

import java.nio.file.Path;
import java.util.List;

/**
 * A run's folder as the training loop fills it: {@code last.ckpt} (weights, batch-norm statistics, optimiser state and
 * progress; after every epoch and every {@code checkpoint_minutes} within one), {@code best.ckpt} (the model: the
 * best validation epoch's weights; the latest epoch's without validation; the last epoch's in a cross-validation fold)
 * and {@code metrics.jsonl} (one {@link EpochMetrics} per line). Only data-parallel rank 0 writes.
 */
final class RunFolder implements Trainer.Output {

    static final String LAST = "last.ckpt";
    static final String BEST = "best.ckpt";
    static final String METRICS = "metrics.jsonl";

    private final Path dir;
    private final boolean writes;

    private RunFolder(Path dir, boolean writes) {
        this.dir = dir;
        this.writes = writes;
    }

    /**
     * Trains the run in {@code dir} (a single split or one cross-validation fold) to its end, continuing from its last
     * checkpoint when there is one.
     */
    static TrainResult train(RunInfo run, PatchSource source, Path dir, TrainListener listener, ProcessGroup group) {
        TrainConfig c = run.config();
        long[] train = Groups.indices(source, run.split().groupBy(), run.split().trainGroups());
        long[] val = Groups.validation(source, run.split().groupBy(), run.split().valGroups(), c.valPatches(),
                c.seed());
        Trainer.Setup setup = new Trainer.Setup(c, run.model().spec(), run.model().downsample(), source, train, val,
                run.data().labels(), run.positiveClass(), run.stainReference());
        // a cross-validation fold keeps its last epoch: its validation patches are its held-out test patches
        boolean keepBest = run.split().fold() == null;
        Trainer.Segment all = new Trainer.Segment(0, c.epochs(), c.epochs(), keepBest, c.patience());
        listener.runStarted(run, dir, run.split().fold());
        Trainer.Summary s = new Trainer(setup, all, new RunFolder(dir, group.rank() == 0), listener, group, null,
                null).run();
        return new TrainResult(dir, s.history(), s.bestEpoch(), s.best(), s.stoppedEarly());
    }

    @Override
    public Path lastCheckpoint() {
        Path last = dir.resolve(LAST);
        return Checkpoint.exists(last) ? last : null;
    }

    @Override
    public boolean keepsCheckpoints() {
        return writes;
    }

    /** The checkpoint is the record of finished epochs; metrics.jsonl is made to agree with it. */
    @Override
    public void started(List<EpochMetrics> history) {
        if (writes) {
            JsonLines.rewrite(dir.resolve(METRICS), history);
        }
    }

    @Override
    public void best(FlatParameters parameters, int epoch, Metrics val) {
        if (writes) {
            Weights.put(new Checkpoint(Json.MAPPER.valueToTree(new BestHeader(epoch, val))), parameters)
                    .write(dir.resolve(BEST));
        }
    }

    @Override
    public void checkpoint(Checkpoint checkpoint) {
        if (writes) {
            checkpoint.write(dir.resolve(LAST));
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics) {
        if (writes) {
            JsonLines.append(dir.resolve(METRICS), metrics);
        }
    }

    /** What {@code best.ckpt}'s header says: the epoch and its validation metrics. */
    record BestHeader(int epoch, Metrics val) {
    }
}
