package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnnotationIndexTest {
    @TempDir
    Path dir;

    @Test
    void mapsSlideNamesToAnnotationFilesAndReportsThoseWithoutASlide() throws IOException {
        for (String name : List.of("Tumor_001.xml", "Tumor_002.geojson", "Tumor_003.JSON", "CMU-1.svs.geojson", "notes.txt", "Tumor_009.xml")) {
            Files.writeString(dir.resolve(name), "");
        }
        Files.createDirectory(dir.resolve("sub.xml"));

        AnnotationIndex index = AnnotationIndex.scan(dir);

        assertThat(index.files()).containsOnlyKeys("Tumor_001", "Tumor_002", "Tumor_003", "CMU-1.svs", "Tumor_009");
        assertThat(index.forSlide(Path.of("/slides/Tumor_001.tif"))).contains(dir.resolve("Tumor_001.xml"));
        assertThat(index.forSlide(Path.of("CMU-1.svs"))).contains(dir.resolve("CMU-1.svs.geojson"));
        assertThat(index.forSlide(Path.of("Normal_001.tif"))).isEmpty();
        List<Path> slides = List.of(Path.of("Tumor_001.tif"), Path.of("Tumor_002.tif"), Path.of("CMU-1.svs"), Path.of("Normal_001.tif"));
        assertThat(index.withoutSlide(slides)).containsExactly(dir.resolve("Tumor_003.JSON"), dir.resolve("Tumor_009.xml"));
    }

    @Test
    void twoFilesForOneSlideIsAnError() throws IOException {
        Files.writeString(dir.resolve("Tumor_001.xml"), "");
        Files.writeString(dir.resolve("Tumor_001.json"), "");
        assertThatThrownBy(() -> AnnotationIndex.scan(dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Tumor_001.json").hasMessageContaining("Tumor_001.xml").hasMessageContaining("keep one");
    }

    @Test
    void missingFolderIsAnError() {
        assertThatThrownBy(() -> AnnotationIndex.scan(dir.resolve("nope")))
                .isInstanceOf(UserException.class).hasMessageContaining("nope");
    }
}
