package io.histoscale.model;

import ai.djl.Device;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DevicesTest {

    @Test
    void parsesCpuAndGpus() {
        assertThat(Devices.parse("cpu", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.parse(" CPU ", 2)).isEqualTo(Device.cpu());
        assertThat(Devices.parse("gpu", 1)).isEqualTo(Device.gpu(0));
        assertThat(Devices.parse("gpu:1", 2)).isEqualTo(Device.gpu(1));
        assertThat(Devices.name(Devices.parse("gpu:1", 2))).isEqualTo("gpu:1");
        assertThat(Devices.name(Device.cpu())).isEqualTo("cpu");
    }

    @Test
    void gpuWithoutGpusSaysWhatToDo() {
        assertThatThrownBy(() -> Devices.parse("gpu", 0))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no GPU visible to PyTorch")
                .hasMessageContaining("device cpu");
        assertThatThrownBy(() -> Devices.parse("gpu:0", 0)).isInstanceOf(UserException.class);
    }

    @Test
    void gpuBeyondTheLastOneIsRefused() {
        assertThatThrownBy(() -> Devices.parse("gpu:2", 2))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("gpu:0 to gpu:1");
    }

    @Test
    void malformedNamesAreRefused() {
        for (String bad : new String[] {"", "tpu", "gpu:", "gpu:-1", "cuda:0", "cpu:1", "gpu:99999"}) {
            assertThatThrownBy(() -> Devices.parse(bad, 1)).as(bad)
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("expected cpu, gpu or gpu:N");
        }
        assertThatThrownBy(() -> Devices.parse(null, 1)).isInstanceOf(UserException.class);
    }

    @Test
    void realEngineRefusesGpuWhenItHasNone() {
        TorchEngine engine = TorchEngine.get();
        assumeTrue(engine.gpuCount() == 0, "this machine has a GPU");
        assertThat(engine.device("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> engine.device("gpu"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no GPU visible to PyTorch");
    }
}
