package io.histoscale.search;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Saves a trial as a run folder of its own: its {@code run.json} (settings, split, provenance), {@code best.ckpt}
 * (the model) and {@code metrics.jsonl} — what evaluate, stage and federate read — without the resumable
 * {@code last.ckpt}.
 */
public final class BestRun {

    /** The files a saved model keeps. */
    static final List<String> FILES = List.of("run.json", "best.ckpt", "metrics.jsonl");

    private BestRun() {
    }

    /** @throws UserException when {@code to} is not empty, or the trial's files are missing */
    public static void copy(Path trial, Path to) {
        try {
            if (Files.isDirectory(to)) {
                try (Stream<Path> in = Files.list(to)) {
                    if (in.findAny().isPresent()) {
                        throw new UserException("--out " + to + " is not empty: give a new folder");
                    }
                }
            } else if (Files.exists(to)) {
                throw new UserException("--out " + to + " is a file: give a new folder");
            }
            for (String f : FILES) {
                if (!Files.isRegularFile(trial.resolve(f))) {
                    throw new UserException("the trial folder " + trial + " has no " + f + ": was it moved or deleted?");
                }
            }
            Files.createDirectories(to);
            for (String f : FILES) {
                Files.copy(trial.resolve(f), to.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UserException("cannot save the best trial to " + to + ": " + e.getMessage(), e);
        }
    }
}
