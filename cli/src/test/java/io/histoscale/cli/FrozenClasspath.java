package io.histoscale.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The test class path frozen for jobs that run later (Slurm, local processes). */
final class FrozenClasspath {

    private FrozenClasspath() {
    }

    /**
     * The test class path for jobs, with this project's classes and jars copied: a build of this checkout running
     * meanwhile (another module's install, an IDE) rewrites them under a queued job.
     */
    static String copy(Path shared) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                // This project's own jars are re-installed by builds of other modules; the rest never change.
                if (!entry.contains("/io/histoscale/")) {
                    entries.add(entry);
                } else {
                    Path copy = Files.createDirectories(shared.resolve("jars")).resolve(p.getFileName());
                    Files.copy(p, copy);
                    entries.add(copy.toString());
                }
                continue;
            }
            Path copy = shared.resolve("classes-" + n++);
            try (var files = Files.walk(p)) {
                for (Path f : files.toList()) {
                    Path target = copy.resolve(p.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(target);
                    else Files.copy(f, target);
                }
            }
            entries.add(copy.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

}
