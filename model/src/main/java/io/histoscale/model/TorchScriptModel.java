package io.histoscale.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Networks built in Python: loads a TorchScript file ({@code torch.jit.save(torch.jit.script(net), "net.pt")}) for
 * inference or fine-tuning. Its trainable parameters work with {@link FlatParameters}; its buffers (batch-norm
 * running statistics) stay inside the TorchScript module and are not part of the flat statistics.
 */
public final class TorchScriptModel {

    private TorchScriptModel() {
    }

    /**
     * Loads a TorchScript file onto a device.
     *
     * @param trainable whether its parameters take gradients (fine-tuning) or stay frozen (inference only)
     * @throws UserException when the file is missing or is not TorchScript this PyTorch can read
     */
    public static Model load(Path file, Device device, boolean trainable) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such TorchScript file (save one from Python with "
                    + "torch.jit.save(torch.jit.script(model), path))");
        }
        TorchEngine.get();
        Path absolute = file.toAbsolutePath();
        Model model = Model.newInstance(absolute.getFileName().toString(), device, PtEngine.ENGINE_NAME);
        try {
            model.load(absolute.getParent(), absolute.getFileName().toString(),
                    Map.of("trainParam", Boolean.toString(trainable), "mapLocation", "true"));
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new UserException(file + ": not a TorchScript model PyTorch " + PtEngine.getInstance().getVersion()
                    + " can load (" + firstLine(e.getMessage()) + "); save it with torch.jit.save(torch.jit.script("
                    + "model), path)", e);
        }
        // PyTorch loads modules in evaluation mode while DJL assumes training mode; without this, the first
        // training forward pass would leave batch norm and dropout in evaluation mode.
        JniUtils.enableTrainingMode((PtSymbolBlock) model.getBlock());
        return model;
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.strip().lines().findFirst().orElse("unreadable");
    }
}
