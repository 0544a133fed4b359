package io.histoscale.federation.site;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.transport.ConfigMessages;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.FitRequest;
import io.histoscale.train.FitResult;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.TrainListener;
import io.histoscale.train.Training;

import java.util.Map;

/**
 * What a site does with a task: reads its config map into a {@link FitRequest} over the site's own patches and
 * hardware settings, and trains through the train module's one loop ({@link Training#fit}).
 *
 * @param local the site's own settings (device, threads, workers) that tasks never set
 */
record SiteTraining(PatchSource source, long[] train, long[] validation, TrainConfig local) {

    /** The request a task describes, starting from {@code start}. */
    FitRequest request(Task task, ModelWeights start) {
        Map<String, Object> config = ConfigMessages.fromProto(task.getConfigMap());
        return FitRequest.fromMap(config, local, source, train, validation, start, TrainListener.NONE);
    }

    /**
     * The network a task trains, as transfers and audit lines name it ({@code architecture/classes/input}).
     *
     * @throws UserException when the task's network does not fit this site's patches
     */
    String modelId(FitRequest request) {
        TrainConfig c = request.config();
        if (c.inputSize() <= 0) {
            throw UserException.forKey("input_size", "missing from the task: the coordinator must name the input side");
        }
        return ModelSpec.builder().setArchitecture(c.model()).setNumClasses(source.labelNames().size())
                .optInputSize(c.inputSize()).build().toString();
    }

    FitResult fit(FitRequest request) {
        return Training.fit(request);
    }
}
