package io.histoscale.server.api;

import io.histoscale.registry.Run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The paths a run was given as options, as it saw them: relative ones against the folder it ran in. */
final class RunPaths {

    private RunPaths() {
    }

    /** {@code given} as the run saw it. */
    static Path resolve(Run run, String given) {
        Path work = run.workDir() == null ? Path.of("") : Path.of(run.workDir());
        return work.resolve(given).normalize();
    }

    /** The option {@code key} of the run's configuration (one path or a list), resolved; empty when absent. */
    static List<Path> option(Run run, String key) {
        Object given = run.config().get(key);
        List<?> values = given instanceof List<?> l ? l : given == null ? List.of() : List.of(given);
        List<Path> paths = new ArrayList<>();
        for (Object v : values) paths.add(resolve(run, v.toString()));
        return paths;
    }
}
