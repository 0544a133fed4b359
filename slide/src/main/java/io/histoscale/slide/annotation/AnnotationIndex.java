package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The annotation files of a folder by slide name: {@code Tumor_001.xml}, {@code Tumor_001.geojson} or
 * {@code Tumor_001.json} belong to slide {@code Tumor_001.tif} (same name without extension). QuPath's
 * {@code Tumor_001.tif.geojson} (slide file name plus extension) is matched too.
 */
public final class AnnotationIndex {
    private static final Set<String> EXTENSIONS = Set.of("xml", "geojson", "json");

    private final Path dir;
    private final Map<String, Path> byName;

    private AnnotationIndex(Path dir, Map<String, Path> byName) {
        this.dir = dir;
        this.byName = byName;
    }

    /**
     * Lists the annotation files directly inside {@code dir}.
     *
     * @throws UserException when {@code dir} is not a readable folder, or two files there name the same slide
     */
    public static AnnotationIndex scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserException("annotation folder " + dir + " does not exist or is not a folder (check the path)");
        }
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String fileName = f.getFileName().toString();
                int dot = fileName.lastIndexOf('.');
                if (dot <= 0 || !EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT))) continue;
                Path other = byName.put(fileName.substring(0, dot), f);
                if (other != null) {
                    throw new UserException("annotation folder " + dir + " has two files for slide '" + fileName.substring(0, dot)
                            + "': " + other.getFileName() + " and " + fileName + "; keep one of them");
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot list annotation folder " + dir + ": " + e.getMessage(), e);
        }
        return new AnnotationIndex(dir, byName);
    }

    public Path dir() {
        return dir;
    }

    /** Annotation files by the slide name they are for (file name without its last extension). */
    public Map<String, Path> files() {
        return byName;
    }

    /** The annotation file of a slide, if there is one. */
    public Optional<Path> forSlide(Path slide) {
        String fileName = slide.getFileName().toString();
        return Optional.ofNullable(byName.get(stem(fileName))).or(() -> Optional.ofNullable(byName.get(fileName)));
    }

    /**
     * Annotation files that belong to none of {@code slides}: a misspelt name or a slide left out of the run. The
     * tiler reports them so that no annotation goes unused without anyone noticing.
     */
    public List<Path> withoutSlide(Collection<Path> slides) {
        Set<Path> used = new HashSet<>();
        for (Path s : slides) forSlide(s).ifPresent(used::add);
        return byName.values().stream().filter(f -> !used.contains(f)).toList();
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
