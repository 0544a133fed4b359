package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A tiny network scripted and saved by Debian's python3-torch; skipped when that is not installed. */
class TorchScriptModelTest {

    private static final String EXPORT = String.join("\n",
            "import json, sys, torch, torch.nn as nn",
            "torch.manual_seed(0)",
            "class Tiny(nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            "        self.conv, self.bn, self.fc = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.Linear(4, 2)",
            "    def forward(self, x):",
            "        return self.fc(torch.relu(self.bn(self.conv(x))).mean(dim=(2, 3)))",
            "net = Tiny().eval()",
            "torch.jit.save(torch.jit.script(net), sys.argv[1])",
            "x = torch.randn(2, 3, 8, 8)",
            "with torch.no_grad():",
            "    evaluated = net(x)",
            "    trained = net.train()(x)",
            "print(json.dumps({'input': x.flatten().tolist(), 'eval': evaluated.flatten().tolist(),",
            "                  'train': trained.flatten().tolist()}))");

    @TempDir
    static Path dir;
    private static Path file;
    private static JsonNode reference;

    /** Exports the network; leaves {@code reference} null when Python or its torch package is missing. */
    @BeforeAll
    static void exportWithPython() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return;
        }
        file = dir.resolve("tiny.pt");
        // from a file: torch.jit.script reads the network's source code
        Path script = Files.writeString(dir.resolve("export.py"), EXPORT);
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
            reference = new ObjectMapper().readTree(out);
        }
    }

    @Test
    void inferenceMatchesPyTorch() {
        assumeTrue(reference != null, "python3-torch is not installed");
        try (Model model = TorchScriptModel.load(file, Device.cpu(), false);
             NDManager m = model.getNDManager().newSubManager()) {
            assertThat(forward(model, m, false)).containsExactly(floats(reference.get("eval")),
                    within(1e-5f));
        }
    }

    @Test
    void fineTuningTrainsWithBatchStatisticsAndFlatGradients() {
        assumeTrue(reference != null, "python3-torch is not installed");
        try (Model model = TorchScriptModel.load(file, Device.cpu(), true);
             NDManager m = model.getNDManager().newSubManager()) {
            FlatParameters flat = FlatParameters.of(model);
            assertThat(flat.size()).isEqualTo(4 * 3 * 3 * 3 + 4 + 4 + 4 + 4 * 2 + 2);
            // batch norm uses the batch's statistics, as PyTorch does in training mode
            assertThat(forward(model, m, true)).containsExactly(floats(reference.get("train")),
                    within(1e-5f));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = model.getBlock().forward(new ParameterStore(m, false), new NDList(input(m)), true)
                        .singletonOrThrow();
                collector.backward(out.square().sum());
            }
            FloatBuffer gradients = FloatBuffer.allocate(flat.size());
            flat.readGradients(gradients);
            int nonZero = 0;
            for (float g : gradients.array()) {
                nonZero += g != 0 ? 1 : 0;
            }
            assertThat(nonZero).isGreaterThan(flat.size() / 2);
        }
    }

    @Test
    void missingOrBrokenFilesAreUserErrors() throws Exception {
        assertThatThrownBy(() -> TorchScriptModel.load(dir.resolve("absent.pt"), Device.cpu(), false))
                .isInstanceOf(UserException.class).hasMessageContaining("no such TorchScript file");
        Path garbage = Files.writeString(dir.resolve("garbage.pt"), "not a model");
        assertThatThrownBy(() -> TorchScriptModel.load(garbage, Device.cpu(), false))
                .isInstanceOf(UserException.class).hasMessageContaining("not a TorchScript model");
    }

    private static float[] forward(Model model, NDManager m, boolean training) {
        return model.getBlock().forward(new ParameterStore(m, false), new NDList(input(m)), training)
                .singletonOrThrow().toFloatArray();
    }

    private static NDArray input(NDManager m) {
        return m.create(floats(reference.get("input")), new Shape(2, 3, 8, 8));
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
