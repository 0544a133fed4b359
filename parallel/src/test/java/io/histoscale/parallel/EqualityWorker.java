package io.histoscale.parallel;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtEngine;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.GradientAveraging;
import io.histoscale.train.step.TrainStep;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One rank (or the single reference process) of the data-parallel equality test: trains a small convolutional
 * network without batch normalisation for a few SGD steps on generated batches, rank r taking its part of each
 * global batch, and writes rank 0's final weights.
 *
 * <p>usage: {@code OUT GLOBAL_BATCH STEPS LR average|none}. The same global batch and learning rate with 1 or 2
 * processes must give the same weights; {@code none} skips the gradient exchange (a negative control).
 */
public final class EqualityWorker {

    static final int SIZE = 16;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int globalBatch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        float lr = Float.parseFloat(args[3]);
        boolean average = args[4].equals("average");
        TorchEngine.start(new EngineSettings(1, 1, 7));
        try (Communicator world = Communicator.fromEnvironment(Communicator.DEFAULT_BUCKET_BYTES);
             Model model = Model.newInstance("no-bn", ai.djl.Device.cpu(), PtEngine.ENGINE_NAME)) {
            SequentialBlock net = new SequentialBlock()
                    .add(conv(8)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(conv(16)).add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock())
                    .add(Linear.builder().setUnits(2).build());
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
            GradientAveraging averaging = new GradientAveraging(world, true);
            TrainStep step = TrainStep.builder(model).optOptimizer(FlatOptimizer.sgd(lr, 0.9f, 1e-4f))
                    .optGradientExchange(average ? averaging : null).build();
            GradientAveraging.broadcast(world, step.parameters(), 0);
            int batch = globalBatch / world.size();
            for (int s = 0; s < steps; s++) {
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    float[] images = new float[batch * 3 * SIZE * SIZE];
                    long[] labels = new long[batch];
                    for (int i = 0; i < batch; i++) {
                        sample(s, world.rank() * batch + i, images, i, labels);
                    }
                    NDArray x = manager.create(images, new Shape(batch, 3, SIZE, SIZE));
                    NDArray y = manager.create(labels);
                    step.run(x, y);
                }
                if (average) {
                    averaging.verify(step.parameters()); // replicas identical after every step
                }
            }
            if (world.rank() == 0) {
                FlatParamsFile.write(out, step.parameters());
            }
        }
    }

    /** Sample {@code index} of global batch {@code step}: label by index parity, class-dependent mean. */
    static void sample(int step, int index, float[] images, int slot, long[] labels) {
        SplittableRandom random = new SplittableRandom(1_000_003L * step + index);
        int label = index % 2;
        int n = 3 * SIZE * SIZE;
        for (int k = 0; k < n; k++) {
            images[slot * n + k] = (float) (random.nextGaussian() + (label == 1 ? 0.3 : -0.3) * (k % 3));
        }
        labels[slot] = label;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .build();
    }

    /** Weights as raw little-endian floats. */
    static final class FlatParamsFile {
        static void write(Path file, io.histoscale.model.FlatParameters flat) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocateDirect(flat.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            flat.exportParameters(bytes.asFloatBuffer());
            byte[] array = new byte[bytes.capacity()];
            bytes.get(array);
            Files.write(file, array);
        }

        static float[] read(Path file) throws IOException {
            FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            float[] values = new float[floats.remaining()];
            floats.get(values);
            return values;
        }
    }
}
