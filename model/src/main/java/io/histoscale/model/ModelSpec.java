package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtEngine;
import io.histoscale.core.UserException;

import java.util.Locale;

/** What network to build: architecture, number of classes, input patch size (RGB, square). */
public final class ModelSpec {

    /** The input side when none is given: ImageNet's. */
    public static final int DEFAULT_INPUT_SIZE = 224;

    /** Colour channels of every input. */
    public static final int CHANNELS = 3;

    private final Architecture architecture;
    private final int numClasses;
    private final int inputSize;
    private long parameterCount = -1;
    private long flops = -1;

    private ModelSpec(Builder builder) {
        this.architecture = builder.architecture;
        this.numClasses = builder.numClasses;
        this.inputSize = builder.inputSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Architecture architecture() {
        return architecture;
    }

    public int numClasses() {
        return numClasses;
    }

    public int inputSize() {
        return inputSize;
    }

    /** NCHW shape of a batch of inputs. */
    public Shape inputShape(int batchSize) {
        return new Shape(batchSize, CHANNELS, inputSize, inputSize);
    }

    /** A new, uninitialised network. */
    public Block newBlock() {
        return architecture.build(numClasses);
    }

    /**
     * A new model with the initial weights PyTorch's generator gives after seeding it with {@code seed}: the same
     * weights for the same seed, in any process.
     */
    public Model newModel(Device device, long seed) {
        TorchEngine.get().engine().setRandomSeed((int) seed);
        return newModel(device);
    }

    /** A model holding a freshly initialised network on {@code device} (weights drawn from the engine's generator). */
    public Model newModel(Device device) {
        TorchEngine.get();
        Model model = Model.newInstance(architecture.cliName(), device, PtEngine.ENGINE_NAME);
        Block block = newBlock();
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(1));
        return model;
    }

    /** Trainable parameters (weights, biases, batch-norm scales and shifts; not running statistics). */
    public synchronized long parameterCount() {
        if (parameterCount < 0) {
            TorchEngine.get();
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PtEngine.ENGINE_NAME)) {
                Block block = newBlock();
                block.initialize(manager, DataType.FLOAT32, inputShape(1));
                parameterCount = countTrainable(block);
            }
        }
        return parameterCount;
    }

    /**
     * Multiply-accumulates of one forward pass per image, {@code inputSize x inputSize}: those of the convolutions
     * (depthwise ones by their groups) and linear layers, counted from the layers without initialising them (see
     * {@link Macs}); ResNet-18 at 224 pixels: 1.81 G. Known before any training, for any architecture.
     */
    public synchronized long flops() {
        if (flops < 0) {
            TorchEngine.get();
            flops = Macs.of(newBlock(), inputShape(1));
        }
        return flops;
    }

    /** {@code resnet18: 11,177,538 parameters, 333.1 M MACs, 2 classes, 3x96x96 input}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %,d parameters, %s MACs, %d classes, %dx%dx%d input",
                architecture, parameterCount(), approximately(flops()), numClasses, CHANNELS, inputSize, inputSize);
    }

    /** {@code 1.82 G}, {@code 135.4 M}, {@code 368,656}. */
    private static String approximately(long count) {
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", count / 1e9);
        }
        return count >= 1_000_000L ? String.format(Locale.ROOT, "%.1f M", count / 1e6)
                : String.format(Locale.ROOT, "%,d", count);
    }

    @Override
    public String toString() {
        return architecture + "/" + numClasses + "/" + inputSize;
    }

    /** The number of trainable values in an initialised block. */
    public static long countTrainable(Block block) {
        return block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    /** Builds a {@link ModelSpec}; architecture and number of classes are required. */
    public static final class Builder {
        private Architecture architecture;
        private int numClasses;
        private int inputSize = DEFAULT_INPUT_SIZE;

        private Builder() {
        }

        public Builder setArchitecture(Architecture architecture) {
            this.architecture = architecture;
            return this;
        }

        /** Sets the architecture by its {@code --model} name; see {@link Architecture#fromName}. */
        public Builder setArchitecture(String name) {
            return setArchitecture(Architecture.fromName(name));
        }

        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Side of the square input patches in pixels (default {@value ModelSpec#DEFAULT_INPUT_SIZE}). */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** @throws UserException when a value is missing or out of range */
        public ModelSpec build() {
            if (architecture == null) {
                throw UserException.forKey("model", "missing: give one of " + Architecture.names());
            }
            if (numClasses < 2) {
                throw UserException.forKey("classes", numClasses + ": a classifier needs at least 2 classes");
            }
            if (inputSize < architecture.minInputSize()) {
                throw UserException.forKey("input_size", inputSize + ": " + architecture + " needs patches of at least "
                        + architecture.minInputSize() + " pixels");
            }
            return new ModelSpec(this);
        }
    }
}
