package io.histoscale.server;

import io.histoscale.dataset.tile.SlideFiles;
import io.javalin.http.NotFoundResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The slides the server may read: files with a slide extension under the configured folders. A slide is named by an
 * opaque id (its folder's index and its path inside, base64url); anything that does not name a slide inside a folder,
 * after symbolic links are followed, is not found, so {@code ..}, absolute paths, encoded traversal and links that
 * leave a folder all end in 404.
 */
public final class SlideLibrary {

    /** A slide in a folder: its id, the folder's index, its path inside the folder (with '/'), its size. */
    public record Entry(String id, int root, String relative, long bytes) {
        public String name() {
            int slash = relative.lastIndexOf('/');
            return slash < 0 ? relative : relative.substring(slash + 1);
        }
    }

    private static final int MAX_DEPTH = 6;
    private final List<Path> roots;

    public SlideLibrary(List<Path> realRoots) {
        this.roots = List.copyOf(realRoots);
    }

    public List<Path> roots() {
        return roots;
    }

    /** Every slide under the folders, sorted by folder then path; unreadable sub-folders are skipped. */
    public List<Entry> list() {
        List<Entry> all = new ArrayList<>();
        for (int r = 0; r < roots.size(); r++) {
            Path root = roots.get(r);
            try (Stream<Path> files = Files.walk(root, MAX_DEPTH)) {
                int index = r;
                files.filter(Files::isRegularFile).filter(SlideFiles::isSlide).sorted().forEach(p -> {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    if (resolveInside(index, rel).isPresent()) all.add(new Entry(idOf(index, rel), index, rel, size(p)));
                });
            } catch (IOException | UncheckedIOException e) {
                // a folder that went away lists nothing
            }
        }
        return all;
    }

    /** The id of a slide file, when it lies inside a folder. */
    public Optional<String> idOf(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (int r = 0; r < roots.size(); r++) {
            if (real.startsWith(roots.get(r))) {
                String rel = roots.get(r).relativize(real).toString().replace('\\', '/');
                return Optional.of(idOf(r, rel));
            }
        }
        return Optional.empty();
    }

    public static String idOf(int root, String relative) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((root + "/" + relative).getBytes(StandardCharsets.UTF_8));
    }

    /** The entry an id names, or 404. */
    public Entry entry(String id) {
        Path p = resolve(id);
        String decoded = decode(id).orElseThrow(NotFoundResponse::new);
        int slash = decoded.indexOf('/');
        return new Entry(id, Integer.parseInt(decoded.substring(0, slash)), decoded.substring(slash + 1), size(p));
    }

    /**
     * The real path of the slide an id names.
     *
     * @throws NotFoundResponse when the id does not name a slide file inside a configured folder
     */
    public Path resolve(String id) {
        Optional<String> decoded = decode(id);
        if (decoded.isEmpty()) throw notFound();
        String s = decoded.get();
        int slash = s.indexOf('/');
        if (slash <= 0) throw notFound();
        int root;
        try {
            root = Integer.parseInt(s.substring(0, slash));
        } catch (NumberFormatException e) {
            throw notFound();
        }
        return resolveInside(root, s.substring(slash + 1)).filter(SlideFiles::isSlide).orElseThrow(SlideLibrary::notFound);
    }

    /**
     * A file beside a slide (annotations): {@code relative} inside the same folder as the slide's root, checked the
     * same way; empty when it is missing or outside.
     */
    public Optional<Path> besideSlide(Path slide, String relative) {
        for (int r = 0; r < roots.size(); r++) {
            if (slide.startsWith(roots.get(r))) {
                String rel = roots.get(r).relativize(slide.resolveSibling(relative).normalize()).toString().replace('\\', '/');
                return resolveInside(r, rel);
            }
        }
        return Optional.empty();
    }

    private Optional<Path> resolveInside(int root, String relative) {
        if (root < 0 || root >= roots.size() || relative.isEmpty() || relative.indexOf('\0') >= 0
                || relative.indexOf('\\') >= 0 || relative.startsWith("/")) {
            return Optional.empty();
        }
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) return Optional.empty();
        }
        Path base = roots.get(root);
        Path candidate = base.resolve(relative).normalize();
        if (!candidate.startsWith(base)) return Optional.empty();
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(base) || !Files.isRegularFile(real)) return Optional.empty();
            return Optional.of(real);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> decode(String id) {
        if (id == null || id.isEmpty() || id.length() > 4096) return Optional.empty();
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static NotFoundResponse notFound() {
        return new NotFoundResponse("no such slide");
    }
}
