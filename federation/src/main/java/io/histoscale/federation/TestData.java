package io.histoscale.federation;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.train.DataSources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Patches named by a store or image folder and, optionally, a file of patch indices (one a line). */
public record TestData(DataSources.Opened opened, long[] indices) implements AutoCloseable {

    public PatchSource source() {
        return opened.source();
    }

    /** Opens a plan's test data, resolving relative paths against {@code base}. */
    public static TestData open(Path base, Plan.Test test) {
        DataSources.Opened opened = DataSources.open(base.resolve(test.data), 0);
        long[] indices = test.indices == null ? labelled(opened.source()) : readIndices(base.resolve(test.indices),
                opened.source().size());
        return new TestData(opened, indices);
    }

    /** All labelled patches. */
    public static long[] labelled(PatchSource source) {
        return java.util.stream.LongStream.range(0, source.size()).filter(i -> source.label(i) >= 0).toArray();
    }

    /** @throws UserException when the file is missing or names a patch the source does not have */
    public static long[] readIndices(Path file, long size) {
        try {
            List<String> lines = Files.readAllLines(file);
            long[] out = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .mapToLong(Long::parseLong).toArray();
            for (long i : out) {
                if (i < 0 || i >= size) {
                    throw new UserException(file + ": patch index " + i + " is outside the data's 0.." + (size - 1));
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new UserException("indices file " + file + " does not exist");
        } catch (NumberFormatException e) {
            throw new UserException(file + ": every line must be a patch index (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeIndices(Path file, long[] indices) {
        StringBuilder text = new StringBuilder();
        for (long i : indices) {
            text.append(i).append('\n');
        }
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        opened.close();
    }
}
