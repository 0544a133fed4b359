package io.histoscale.slide.annotation;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Files of the shared real sample data; tests using them skip when it is absent. */
public final class SharedData {
    private SharedData() {
    }

    /** {@code relative} inside the shared data folder; skips the test when the file is not there. */
    public static Path file(String relative) {
        Path file = Path.of(System.getProperty("histoscale.shared.data", "../../shared/data")).resolve(relative);
        assumeTrue(Files.exists(file), "no shared sample data at " + file.toAbsolutePath());
        return file;
    }
}
