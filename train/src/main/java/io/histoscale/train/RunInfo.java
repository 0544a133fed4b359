package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.model.ModelSpec;
import io.histoscale.train.DataSources.DataInfo;
import io.histoscale.train.augment.Macenko;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's {@code run.json}: its full configuration, the data it was trained on (with a hash to recognise it), the
 * network, the split, the stain reference and where the run came from.
 *
 * @param format         always {@value #FORMAT}
 * @param version        file format version
 * @param created        when the run started (ISO-8601)
 * @param config         the configuration
 * @param data           the training data
 * @param model          the network
 * @param split          which groups train and which validate; null for the parent of cross-validation folds
 * @param positiveClass  index of the class AUC, sensitivity and specificity refer to
 * @param positiveRule   why it is that class ({@link io.histoscale.dataset.PositiveClass#rule()}); null in runs from
 *                       before the rule was recorded
 * @param stainReference Macenko reference stains, or null without stain normalisation
 * @param provenance     code version and environment
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunInfo(String format, int version, String created, TrainConfig config, DataInfo data, ModelInfo model,
                      SplitInfo split, int positiveClass, String positiveRule, Macenko.Stains stainReference,
                      Provenance provenance) {

    public static final String FORMAT = "histoscale-run";
    public static final int VERSION = 1;
    public static final String FILE = "run.json";

    /**
     * The network and its input.
     *
     * @param architecture architecture name
     * @param numClasses   outputs
     * @param inputSize    side of the input in pixels
     * @param downsample   factor patches are shrunk by before cropping
     * @param parameters   trainable parameters
     */
    public record ModelInfo(String architecture, int numClasses, int inputSize, int downsample, long parameters) {
        public ModelSpec spec() {
            return ModelSpec.builder().setArchitecture(architecture).setNumClasses(numClasses).optInputSize(inputSize)
                    .build();
        }
    }

    /**
     * A group-wise split.
     *
     * @param groupBy      what groups are
     * @param fold         cross-validation fold (from 0), or null for a single split
     * @param trainGroups  groups trained on
     * @param valGroups    groups validated on
     * @param trainPatches labelled training patches
     * @param valPatches   validation patches scored each epoch
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SplitInfo(GroupBy groupBy, Integer fold, List<String> trainGroups, List<String> valGroups,
                            long trainPatches, long valPatches) {
    }

    /**
     * Where a run came from.
     *
     * @param codeVersion HistoScale's version (and commit, when known)
     * @param java        Java runtime version
     * @param os          operating system and architecture
     * @param engine      deep-learning engine, threads and GPUs
     * @param command     command-line arguments, when run from the command line
     */
    public record Provenance(String codeVersion, String java, String os, String engine, List<String> command) {
    }

    /** The same run for one cross-validation fold. */
    RunInfo withSplit(SplitInfo split, Macenko.Stains stainReference) {
        return new RunInfo(format, version, created, config, data, model, split, positiveClass, positiveRule,
                stainReference, provenance);
    }

    /** Writes {@value #FILE} into {@code dir}, atomically. */
    public void write(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE), Json.pretty(this) + "\n");
    }

    /**
     * Reads {@value #FILE} from a run folder.
     *
     * @throws UserException when there is none or it is not a HistoScale run
     */
    public static RunInfo read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            RunInfo run = Json.MAPPER.readValue(Files.readAllBytes(file), RunInfo.class);
            if (!FORMAT.equals(run.format) || run.version > VERSION) {
                throw new UserException(file + " is not a HistoScale run (format " + run.format + ", version "
                        + run.version + ")");
            }
            return run;
        } catch (NoSuchFileException e) {
            throw new UserException(dir + " holds no training run (" + FILE + " is missing): give the out folder "
                    + "of a histoscale train run");
        } catch (IOException e) {
            throw new UserException(file + " cannot be read (" + e.getMessage() + "); it is damaged or not a run file",
                    e);
        }
    }
}
