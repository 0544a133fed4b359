package io.histoscale.cli;

import io.histoscale.core.UserException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a user reads when a command fails: one line naming the thing and what to do, and the exit status.
 *
 * <ul>
 *     <li>a {@link UserException} (bad input or configuration, in the library's words with the command's flags):
 *     its message, status 2;</li>
 *     <li>a failure of the machine under the command: disk full, read-only or missing files, permissions, a damaged
 *     file, a port in use, a peer that cannot be reached ({@link IOException}s, {@link UncheckedIOException}s,
 *     {@link SQLException}s anywhere in the causes): what could not be done, the system's reason in plain words and
 *     what to do about it, status 1;</li>
 *     <li>anything else is a bug in HistoScale: it says so, with the stack trace to report, status 1.</li>
 * </ul>
 *
 * <p>With {@code --debug} the stack trace follows the line in every case.
 */
final class Failures {

    /** Exit status of a user error: the input or the configuration must change. */
    static final int USER = 2;
    /** Exit status of a failed run: the machine (disk, network, a damaged file) or a bug. */
    static final int FAILED = 1;

    private static final String PREFIX = "histoscale: error: ";

    /** Operating-system reasons by their {@code strerror} text, in the user's words, with what to do. */
    private static final List<String[]> REASONS = List.of(
            new String[]{"No space left on device", "no space left on device",
                    "free space there or choose another location"},
            new String[]{"Disk quota exceeded", "disk quota exceeded", "free space or choose another location"},
            new String[]{"Read-only file system", "read-only file system", "choose a writable location"},
            new String[]{"Permission denied", "permission denied", "check its permissions or choose another location"},
            new String[]{"Operation not permitted", "operation not permitted",
                    "check its permissions and attributes (lsattr) or choose another location"},
            new String[]{"Input/output error", "input/output error", "the disk or the network file system failed; "
                    + "check it and try again"},
            new String[]{"Too many open files", "too many open files", "raise the limit (ulimit -n) and try again"},
            new String[]{"Stale file handle", "stale file handle (the network file system lost it)", "try again"},
            new String[]{"Address already in use", "the port is already in use",
                    "choose another port or stop the program that uses it"},
            new String[]{"Connection refused", "connection refused",
                    "check the host and port, and that the other side is running"},
            new String[]{"No route to host", "no route to host", "check the host and the network"});

    /** The line and status for {@code thrown}; {@code bug} when it is none of the user's or the machine's doing. */
    record Failure(int status, String line, boolean bug) {
    }

    private Failures() {
    }

    /**
     * Prints what {@code thrown} means for the user of {@code command} (null when unknown) on {@code err} and
     * returns the exit status. Open progress bars are ended first, so that the message starts on its own line.
     */
    static int report(Throwable thrown, CommandSpec command, PrintWriter err, boolean debug) {
        ProgressBars.closeAll();
        err.flush();
        Failure f = of(thrown, command);
        err.println(PREFIX + f.line());
        if (f.bug() || debug) thrown.printStackTrace(err);
        err.flush();
        return f.status();
    }

    /** What {@code thrown} means for the user of {@code command} (null when unknown). */
    static Failure of(Throwable thrown, CommandSpec command) {
        UserException user = find(thrown, UserException.class);
        if (user != null) return new Failure(USER, oneLine(ConfigFlags.word(user, command)), false);
        Throwable io = ioCause(thrown);
        if (io != null) return new Failure(FAILED, oneLine(describeIo(thrown, io)), false);
        return new Failure(FAILED, "this is a bug in HistoScale, please report it with the trace below "
                + "(and the command that caused it)", true);
    }

    /** The innermost I/O failure in the causes of {@code t}, or null. */
    private static Throwable ioCause(Throwable t) {
        Throwable found = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof SQLException || c instanceof IOError) found = c;
            if (c.getCause() == c) break;
        }
        return found;
    }

    /** {@code what could not be done: reason; what to do}. */
    private static String describeIo(Throwable top, Throwable io) {
        String context = context(top, io);
        String subject = io instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : null;
        String[] reason = reason(io);
        if (context == null) {
            context = subject != null ? subject : reason[0] == null ? "input/output error" : null;
        } else {
            // the context often ends with the cause's own message ("…: /x: Read-only file system"): say it once
            String own = io.getMessage();
            if (own != null) context = removeSuffix(removeSuffix(context, ": " + own), " (" + own + ")");
            if (subject != null && !context.contains(subject)) context += " (" + subject + ")";
        }
        StringBuilder line = new StringBuilder();
        if (context != null) line.append(context);
        if (reason[0] != null) {
            if (!line.isEmpty()) line.append(": ");
            line.append(reason[0]);
        }
        if (reason[1] != null) line.append("; ").append(reason[1]);
        return line.toString();
    }

    /** What could not be done, from the outermost message that is more than a cause's class and text. */
    private static String context(Throwable top, Throwable io) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = top; c != null && c != io; c = c.getCause()) {
            chain.add(c);
            if (c.getCause() == c) break;
        }
        for (Throwable c : chain) {
            String m = c.getMessage();
            if (m == null || m.isBlank()) continue;
            if (c.getCause() != null && m.equals(c.getCause().toString())) continue; // new X(cause)
            if (m.matches("^[a-z][a-z0-9_]*(\\.[A-Za-z0-9_$]+)+(: .*)?$")) continue; // a class name and its message
            return m;
        }
        return null;
    }

    /** The reason in plain words and what to do; either may be null. */
    private static String[] reason(Throwable io) {
        String message = io.getMessage() == null ? "" : io.getMessage();
        String reason = io instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : message;
        for (String[] r : REASONS) {
            if (reason.contains(r[0]) || message.contains(r[0])) return new String[]{r[1], r[2]};
        }
        if (io instanceof NoSuchFileException) return new String[]{"no such file or directory", "check the path"};
        if (io instanceof AccessDeniedException) {
            return new String[]{"permission denied", "check its permissions or choose another location"};
        }
        if (io instanceof FileAlreadyExistsException) {
            return new String[]{"it already exists", "choose another name or remove it"};
        }
        if (io instanceof DirectoryNotEmptyException) return new String[]{"the folder is not empty", null};
        if (io instanceof NotDirectoryException) return new String[]{"not a folder", "check the path"};
        if (io instanceof BindException) {
            return new String[]{"cannot listen on the port (" + message + ")",
                    "choose another port or stop the program that uses it"};
        }
        if (io instanceof ConnectException) {
            return new String[]{"cannot connect (" + message + ")",
                    "check the host and port, and that the other side is running"};
        }
        if (io instanceof UnknownHostException) return new String[]{"unknown host " + message, "check the host name"};
        if (io instanceof SocketTimeoutException) return new String[]{"timed out", "check the network and try again"};
        if (io instanceof FileSystemException fs) {
            return new String[]{fs.getReason() != null ? fs.getReason().toLowerCase(Locale.ROOT) : "input/output error",
                    null};
        }
        return new String[]{message.isBlank() ? io.getClass().getSimpleName() : message, null};
    }

    private static String removeSuffix(String text, String suffix) {
        return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
            if (c.getCause() == c) break;
        }
        return null;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
