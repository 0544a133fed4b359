package io.histoscale.cli;

import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A run is recorded under its command's name whether it came through {@code histoscale} or was run directly. */
class RunsKindTest {
    @TempDir
    Path dir;

    @Test
    void kindIsTheCommandNameWithOrWithoutTheRoot() {
        String store = dir.resolve("runs.db").toString();
        Path missing = dir.resolve("no-such-slides");
        int viaRoot = Main.execute("tile", missing.toString(), "--out", dir.resolve("a").toString(), "--store", store);
        int direct = Main.commandLine(new TileCommand()).execute(missing.toString(), "--out", dir.resolve("b").toString(),
                "--store", store);
        assertThat(viaRoot).isNotZero();
        assertThat(direct).isNotZero();
        try (RunRegistry registry = RunRegistry.open(store)) {
            List<Run> runs = registry.list(null, 10);
            assertThat(runs).hasSize(2);
            assertThat(runs).extracting(Run::kind).containsOnly("tile");
            assertThat(runs).extracting(Run::status).containsOnly(RunStatus.FAILED);
        }
    }
}
