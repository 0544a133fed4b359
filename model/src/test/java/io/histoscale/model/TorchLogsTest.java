package io.histoscale.model;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** libtorch's own log level, set in the loaded library by starting the engine. */
class TorchLogsTest {

    @Test
    void startingTheEngineKeepsOnlyLibtorchErrors() throws Exception {
        TorchEngine.start(EngineSettings.defaults().withThreads(1));
        String c10;
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            c10 = lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.endsWith("/libc10.so"))
                    .findFirst().orElseThrow();
        }
        int level = NativeLibrary.getInstance(c10).getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
        assertThat(level).isEqualTo(TorchLogs.level(System.getenv(TorchLogs.ENV)));
        assertThat(TorchLogs.level(null)).isEqualTo(TorchLogs.ERROR);
        assertThat(TorchLogs.level("warning")).isEqualTo(1);
        assertThat(TorchLogs.level("0")).isZero();
    }
}
