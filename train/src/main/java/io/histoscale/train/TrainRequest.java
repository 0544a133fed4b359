package io.histoscale.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A request to start a training run ({@link Training#start}): what the command line, the dashboard and the model
 * search all build, in DJL's builder style.
 *
 * <pre>{@code
 * TrainRequest request = TrainRequest.builder(config, Path.of("store"), Path.of("run"))
 *         .optCodeVersion("0.1.0").optListener(listener).build();
 * Training.Outcome done = Training.start(request);
 * }</pre>
 *
 * @param config          what to train
 * @param data            a patch store or a folder of class sub-folders
 * @param out             the run's folder: absent or empty
 * @param folderPatchSize side images of a folder are read at; 0 for the first image's size
 * @param codeVersion     HistoScale's version, recorded in run.json
 * @param command         how the run was asked for (command-line arguments, a form's fields), recorded in run.json
 * @param listener        hears how training goes
 * @param group           data-parallel ranks ({@link ProcessGroup#SINGLE} for one process)
 */
public record TrainRequest(TrainConfig config, Path data, Path out, int folderPatchSize, String codeVersion,
                           List<String> command, TrainListener listener, ProcessGroup group) {

    public TrainRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        command = List.copyOf(command);
    }

    public static Builder builder(TrainConfig config, Path data, Path out) {
        return new Builder(config, data, out);
    }

    /** Builds a {@link TrainRequest}; config, data and out are required, the rest has defaults. */
    public static final class Builder {
        private final TrainConfig config;
        private final Path data;
        private final Path out;
        private int folderPatchSize;
        private String codeVersion = "unknown";
        private List<String> command = List.of();
        private TrainListener listener = TrainListener.NONE;
        private ProcessGroup group = ProcessGroup.SINGLE;

        private Builder(TrainConfig config, Path data, Path out) {
            this.config = config;
            this.data = data;
            this.out = out;
        }

        /** Side images of a folder are read at (default 0: the first image's). */
        public Builder optFolderPatchSize(int folderPatchSize) {
            this.folderPatchSize = folderPatchSize;
            return this;
        }

        public Builder optCodeVersion(String codeVersion) {
            this.codeVersion = codeVersion;
            return this;
        }

        public Builder optCommand(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder optListener(TrainListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder optGroup(ProcessGroup group) {
            this.group = group;
            return this;
        }

        public TrainRequest build() {
            return new TrainRequest(config, data, out, folderPatchSize, codeVersion, command, listener, group);
        }
    }
}
