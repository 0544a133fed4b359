package io.histoscale.cli;

import java.util.List;

/** How to run this same command line in another process: for modules above it that start it (the web server). */
public final class CliCommand {

    private CliCommand() {
    }

    /**
     * {@code java … io.histoscale.cli.Main} with this JVM's java and class path (the launcher's jars, or under Maven
     * the test class path; {@code histoscale.classpath} overrides it).
     */
    public static List<String> javaCommand() {
        return ExecutorLaunch.javaCommand();
    }
}
