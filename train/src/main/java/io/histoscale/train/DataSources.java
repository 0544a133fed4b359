package io.histoscale.train;

import io.histoscale.core.Hashing;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.folder.ImageFolder;
import io.histoscale.dataset.store.PatchStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Opens the {@code data} of training and evaluation: a patch store, or a folder of class sub-folders of images. */
public final class DataSources {

    /** File that marks a patch store. */
    private static final String MANIFEST = "manifest.json";

    private DataSources() {
    }

    /**
     * What a run was trained on.
     *
     * @param path    the store or folder
     * @param kind    {@code store} or {@code folder}
     * @param sha256  SHA-256 of the store's manifest, or of a folder's file list (paths and sizes) and labels table
     * @param patches number of patches
     * @param width   patch width
     * @param height  patch height
     * @param labels  class names
     * @param mpp     µm per pixel of the patches ({@link #patchMpp}); null when they record none (image folders) and
     *                in runs from before it was recorded
     */
    public record DataInfo(String path, String kind, String sha256, long patches, int width, int height,
                           List<String> labels, Double mpp) {
    }

    /** An open source with its description; closing it closes a store. */
    public record Opened(PatchSource source, DataInfo info) implements AutoCloseable {
        @Override
        public void close() {
            if (source instanceof PatchStore store) {
                store.close();
            }
        }
    }

    /**
     * Opens a patch store or an image folder.
     *
     * @param folderPatchSize side folder images are read at; 0 for the size of the first image
     * @throws UserException when {@code path} is neither
     */
    public static Opened open(Path path, int folderPatchSize) {
        if (!Files.isDirectory(path)) {
            throw UserException.forKey("data", path + ": no such folder; give a patch store (made by "
                    + "histoscale tile) or a folder with one sub-folder of images per class");
        }
        PatchSource source;
        String kind;
        String hash;
        if (Files.exists(path.resolve(MANIFEST))) {
            source = PatchStore.open(path);
            kind = "store";
            hash = Hashing.sha256Hex(read(path.resolve(MANIFEST)));
        } else {
            int size = folderPatchSize > 0 ? folderPatchSize : ImageFolder.firstImageSide(path).orElseThrow(() ->
                    UserException.forKey("data", path + ": no readable image in its class sub-folders"));
            source = ImageFolder.open(path, size);
            kind = "folder";
            hash = folderHash(path);
        }
        double mpp = patchMpp(source);
        DataInfo info = new DataInfo(path.toAbsolutePath().normalize().toString(), kind, hash, source.size(),
                source.width(), source.height(), source.labelNames(), Double.isNaN(mpp) ? null : mpp);
        return new Opened(source, info);
    }

    /** Patches {@link #patchMpp} looks at, spread evenly over the source. */
    private static final int MPP_SAMPLES = 101;

    /**
     * The µm per pixel of a source's patches: the median over up to {@value #MPP_SAMPLES} patches spread evenly over
     * it that record one (a store's patches differ by a few per cent between scanners); NaN when none does.
     */
    public static double patchMpp(PatchSource source) {
        long n = source.size();
        double[] seen = LongStream.range(0, Math.min(n, MPP_SAMPLES)).map(k -> k * n / Math.min(n, MPP_SAMPLES))
                .mapToDouble(i -> source.info(i).mpp()).filter(m -> m > 0).sorted().toArray();
        return seen.length == 0 ? Double.NaN : seen[seen.length / 2];
    }

    /** Relative path and size of every file, sorted, so renaming, adding or changing a file changes the hash. */
    private static String folderHash(Path dir) {
        StringBuilder list = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                list.append(dir.relativize(file)).append('\t').append(Files.size(file)).append('\n');
            }
            Path labels = dir.resolve("labels.csv");
            if (Files.exists(labels)) {
                list.append(Files.readString(labels));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Hashing.sha256Hex(list.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
