package io.histoscale.parallel;

import io.histoscale.dataset.GroupBy;
import io.histoscale.train.EpochMetrics;
import io.histoscale.train.Optimizer;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.TrainListener;
import io.histoscale.train.TrainRequest;
import io.histoscale.train.Training;
import io.histoscale.train.augment.Augmentation;

import java.nio.file.Path;

/**
 * One rank of {@link DataParallelTrainingTest}: {@code start STORE RUN_DIR BATCH LR STEPS_PER_EPOCH} or {@code resume STORE
 * RUN_DIR}, with {@link Communicator#fromEnvironment} (Open MPI under mpirun, else alone). Rank 0 prints "EPOCH n"
 * as each epoch ends.
 */
public final class TrainingWorker {

    static TrainConfig config(int batch, double lr, int stepsPerEpoch) {
        return TrainConfig.builder().setModel("small").optEpochs(2).optBatchSize(batch).optLearningRate(lr)
                .optStepsPerEpoch(stepsPerEpoch)
                .optOptimizer(Optimizer.SGD).optMomentum(0.9).optWarmupEpochs(0.5).optGroupBy(GroupBy.SLIDE)
                .optValFraction(0.25).optAugmentation(new Augmentation(true, true, false, 0, 0)).optThreads(1)
                .optWorkers(1).optSeed(5).optCheckpointMinutes(0.001).build();
    }

    public static void main(String[] args) {
        TrainListener listener = new TrainListener() {
            @Override
            public void epochFinished(EpochMetrics metrics) {
                System.out.println("EPOCH " + metrics.epoch());
                System.out.flush();
            }
        };
        try (Communicator world = Communicator.fromEnvironment(Communicator.DEFAULT_BUCKET_BYTES)) {
            TrainListener mine = world.rank() == 0 ? listener : TrainListener.NONE;
            if (args[0].equals("start")) {
                TrainConfig config = config(Integer.parseInt(args[3]), Double.parseDouble(args[4]),
                        Integer.parseInt(args[5]));
                Training.start(TrainRequest.builder(config, Path.of(args[1]), Path.of(args[2])).optListener(mine)
                        .optGroup(world).build());
            } else {
                Training.resume(Path.of(args[2]), null, mine, world);
            }
        }
        System.exit(0);
    }
}
