package io.histoscale.train;

import io.histoscale.core.UserException;
import io.histoscale.model.FlatParameters;
import io.histoscale.train.checkpoint.Checkpoint;

import java.nio.FloatBuffer;
import java.nio.file.Path;

/** A network's weights and batch-norm statistics as checkpoint sections. */
final class Weights {

    static final String PARAMETERS = "parameters";
    static final String STATISTICS = "statistics";

    private Weights() {
    }

    /** Adds the current weights and statistics to a checkpoint. */
    static Checkpoint put(Checkpoint checkpoint, FlatParameters parameters) {
        FloatBuffer weights = Checkpoint.floats(parameters.size());
        parameters.exportParameters(weights);
        FloatBuffer statistics = Checkpoint.floats(parameters.statisticsSize());
        parameters.exportStatistics(statistics);
        return checkpoint.add(PARAMETERS, weights.flip()).add(STATISTICS, statistics.flip());
    }

    /**
     * Loads weights and statistics from a checkpoint into the network.
     *
     * @throws UserException when they belong to another network
     */
    static void load(Checkpoint checkpoint, FlatParameters parameters, Path file) {
        FloatBuffer weights = checkpoint.section(PARAMETERS);
        FloatBuffer statistics = checkpoint.section(STATISTICS);
        if (weights.remaining() != parameters.size() || statistics.remaining() != parameters.statisticsSize()) {
            throw new UserException("checkpoint " + file + " holds " + weights.remaining() + " weights, but the "
                    + "network of its run.json has " + parameters.size() + ": the run folder is inconsistent");
        }
        parameters.importParameters(weights);
        parameters.importStatistics(statistics);
    }
}
