package io.histoscale.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress bars for long steps, drawn on stderr so stdout stays clean for tables and JSON, and only when stderr is a
 * terminal: into a pipe or a log file a bar would be hundreds of carriage-return redraws on one line. The bars still
 * open can be ended at once ({@link #closeAll}), so that an error printed next starts on a line of its own.
 */
final class ProgressBars {

    private static final Set<ProgressBar> OPEN = ConcurrentHashMap.newKeySet();
    private static final boolean TERMINAL = stderrIsTerminal();

    private ProgressBars() {
    }

    /** A bar on stderr when it is a terminal; otherwise a bar that counts without drawing. */
    static ProgressBar bar(String task, long max, String unit) {
        Tracked consumer = new Tracked(TERMINAL ? new ConsoleProgressBarConsumer(System.err) : new Silent());
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .setConsumer(consumer)
                .build();
        consumer.bar = bar;
        OPEN.add(bar);
        return bar;
    }

    /** Ends every bar still open: each is drawn a last time and its line ended. */
    static void closeAll() {
        for (ProgressBar bar : new ArrayList<>(OPEN)) bar.close();
        System.err.flush();
    }

    /** Whether file descriptor 2 is a terminal (isatty), as a terminal program asks it. */
    private static boolean stderrIsTerminal() {
        try {
            if (!Platform.isLinux() && !Platform.isMac()) return System.console() != null;
            return Native.load("c", C.class).isatty(2) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }

    private interface C extends Library {
        int isatty(int fd);
    }

    /** Draws nothing. */
    private static final class Silent implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public void accept(String rendered) {
        }

        @Override
        public void close() {
        }
    }

    /** A consumer that forgets its bar once the bar has closed it. */
    private static final class Tracked implements ProgressBarConsumer {
        private final ProgressBarConsumer out;
        private volatile ProgressBar bar;

        Tracked(ProgressBarConsumer out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return out.getMaxRenderedLength();
        }

        @Override
        public void accept(String rendered) {
            out.accept(rendered);
        }

        @Override
        public void close() {
            out.close();
            if (bar != null) OPEN.remove(bar);
        }
    }
}
