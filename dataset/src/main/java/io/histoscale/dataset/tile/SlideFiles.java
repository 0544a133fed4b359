package io.histoscale.dataset.tile;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Expands the slide arguments of a command: files as given, folders to the slide files directly inside them. */
public final class SlideFiles {
    /** Extensions OpenSlide reads (MRXS is the index file of a MIRAX folder). */
    public static final Set<String> EXTENSIONS =
            Set.of("svs", "tif", "tiff", "ndpi", "vms", "vmu", "scn", "mrxs", "svslide", "bif");

    private SlideFiles() {
    }

    /**
     * Files are kept even when their extension is unknown (opening them reports what is wrong); a missing path is an
     * error here, before any work starts.
     */
    public static List<Path> expand(List<Path> args) {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                List<Path> found = list(p);
                if (found.isEmpty()) {
                    throw new UserException("no slide files in folder " + p + " (looked for ." + String.join(", .",
                            EXTENSIONS.stream().sorted().toList()) + ")");
                }
                out.addAll(found);
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new UserException("slide not found: " + p + " (check the path)");
            }
        }
        return out.stream().distinct().toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(SlideFiles::isSlide).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the file name has a slide extension. */
    public static boolean isSlide(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** A slide's name in stores and tables: the file name without its extension. */
    public static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
