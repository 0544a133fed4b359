package io.histoscale.model;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The level below which libtorch's own log lines are dropped. libtorch writes its warnings straight to the process's
 * standard error (file descriptor 2), out of reach of Java: with DJL's build on a common CPU that is
 * {@code Warning: AutoNonVariableTypeMode is deprecated …} on the first operation and {@code Could not initialize
 * NNPACK! Reason: Unsupported hardware} on the first convolution, neither of which a user can act on.
 *
 * <p>libtorch decides by the global {@code FLAGS_caffe2_log_level} of {@code libc10.so} when each line is logged;
 * it reads {@code TORCH_CPP_LOG_LEVEL} into that flag only when Python starts it, which DJL does not. So after
 * the library has loaded this sets the flag: to {@code TORCH_CPP_LOG_LEVEL} when the environment names a level
 * ({@code INFO}, {@code WARNING}, {@code ERROR}, {@code FATAL} or 0-3, e.g. to see the warnings again), else to
 * {@code ERROR}. Errors are still printed.
 */
final class TorchLogs {

    /** c10's numbering: 0 INFO, 1 WARNING, 2 ERROR, 3 FATAL. */
    static final int ERROR = 2;
    static final String ENV = "TORCH_CPP_LOG_LEVEL";
    private static final String FLAG = "FLAGS_caffe2_log_level";

    private TorchLogs() {
    }

    /** Sets libtorch's log level in this process; returns whether it could (the library is loaded, on Linux). */
    static boolean apply() {
        Optional<Path> c10 = loadedLibrary("libc10.so");
        if (c10.isEmpty()) {
            return false;
        }
        try {
            // the same dlopen handle as the engine's: the library is already loaded, nothing loads twice
            Pointer flag = NativeLibrary.getInstance(c10.get().toString()).getGlobalVariableAddress(FLAG);
            flag.setInt(0, level(System.getenv(ENV)));
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false; // a libtorch without the flag: it keeps its own level
        }
    }

    /** The level {@code TORCH_CPP_LOG_LEVEL} names, else {@link #ERROR}. */
    static int level(String env) {
        if (env == null) {
            return ERROR;
        }
        return switch (env.strip().toUpperCase(Locale.ROOT)) {
            case "0", "INFO" -> 0;
            case "1", "WARNING" -> 1;
            case "3", "FATAL" -> 3;
            default -> ERROR;
        };
    }

    /** The file of a shared library this process has loaded, by its file name, from {@code /proc/self/maps}. */
    private static Optional<Path> loadedLibrary(String fileName) {
        if (!Platform.isLinux()) {
            return Optional.empty();
        }
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.endsWith("/" + fileName))
                    .findFirst().map(Path::of);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
