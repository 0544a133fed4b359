package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inputs {@link AnnotationReaderFuzzTest} found crashing the readers, kept as examples. */
class AnnotationReaderHostileTest {
    @TempDir
    Path dir;

    @Test
    void jsonNestedDeeperThanTheParserAllowsIsAUserError() throws IOException {
        Path file = Files.writeString(dir.resolve("deep.json"), "{\"positive\": [{\"vertices\": "
                + "[".repeat(2000) + "]".repeat(2000) + "}]}");
        assertThatThrownBy(() -> Annotations.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("deep.json").hasMessageContaining("nesting depth");
    }
}
