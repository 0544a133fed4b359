package io.histoscale.server;

import io.javalin.http.NotFoundResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlideLibraryTest {

    @TempDir
    Path dir;

    @Test
    void onlySlideFilesInsideTheFoldersAreNamedAndResolved() throws IOException {
        Path root = Files.createDirectories(dir.resolve("slides"));
        Path inner = Files.createDirectories(root.resolve("case 1"));
        Path slide = Files.writeString(inner.resolve("a.svs"), "x");
        Files.writeString(root.resolve("notes.txt"), "x");
        Path outside = Files.writeString(dir.resolve("secret.svs"), "x");
        Files.createSymbolicLink(root.resolve("link.svs"), outside);
        Files.createSymbolicLink(root.resolve("folder-link"), dir);
        SlideLibrary library = new SlideLibrary(List.of(root.toRealPath()));

        assertThat(library.list()).extracting(SlideLibrary.Entry::relative).containsExactly("case 1/a.svs");
        String id = library.idOf(slide).orElseThrow();
        assertThat(library.resolve(id)).isEqualTo(slide.toRealPath());
        assertThat(library.idOf(outside)).isEmpty();
        for (String bad : List.of(SlideLibrary.idOf(0, "../secret.svs"), SlideLibrary.idOf(0, "link.svs"),
                SlideLibrary.idOf(0, "folder-link/secret.svs"), SlideLibrary.idOf(0, outside.toString()),
                SlideLibrary.idOf(0, "notes.txt"), SlideLibrary.idOf(1, "case 1/a.svs"), SlideLibrary.idOf(0, "case 1/./a.svs"),
                SlideLibrary.idOf(0, "case 1\\a.svs"), "not base64!", "", "..%2f")) {
            assertThatThrownBy(() -> library.resolve(bad)).as(bad).isInstanceOf(NotFoundResponse.class);
        }
        assertThat(library.besideSlide(slide.toRealPath(), "../notes.txt")).isPresent();
        assertThat(library.besideSlide(slide.toRealPath(), "../../secret.svs")).isEmpty();
    }
}
