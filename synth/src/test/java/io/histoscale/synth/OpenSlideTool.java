package io.histoscale.synth;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian's openslide-tools command line programs; tests that need them are skipped where they are missing. */
final class OpenSlideTool {
    private static final Pattern PROPERTY = Pattern.compile("([^:\\s]+): '(.*)'");

    private OpenSlideTool() {
    }

    static void assumeInstalled(String program) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin", program)), program + " is not installed");
    }

    /** The properties openslide-show-properties prints, one {@code name: 'value'} per line. */
    static Map<String, String> properties(Path slide) throws IOException, InterruptedException {
        assumeInstalled("openslide-show-properties");
        Map<String, String> properties = new HashMap<>();
        for (String line : run(List.of("openslide-show-properties", slide.toString())).split("\n")) {
            Matcher m = PROPERTY.matcher(line);
            if (m.matches()) properties.put(m.group(1), m.group(2));
        }
        return properties;
    }

    /** Writes a region read by OpenSlide as PNG. */
    static void writePng(Path slide, long x, long y, int level, int w, int h, Path png) throws IOException, InterruptedException {
        assumeInstalled("openslide-write-png");
        run(List.of("openslide-write-png", slide.toString(), Long.toString(x), Long.toString(y), Integer.toString(level),
                Integer.toString(w), Integer.toString(h), png.toString()));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) throw new IOException(command + " failed: " + output);
        return output;
    }
}
