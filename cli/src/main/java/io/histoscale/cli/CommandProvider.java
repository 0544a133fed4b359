package io.histoscale.cli;

/**
 * A command that a module above the command line adds to it: the server's {@code serve} and {@code bench tiles}.
 * A new one is a class implementing this interface (public, with a public no-argument constructor) and its name on a
 * line of {@code META-INF/services/io.histoscale.cli.CommandProvider}.
 */
public interface CommandProvider {

    /** The group the command joins: empty for a top-level command, {@code bench} for a benchmark. */
    default String parent() {
        return "";
    }

    /** A new picocli command object (a class annotated with {@code @Command}). */
    Object command();
}
