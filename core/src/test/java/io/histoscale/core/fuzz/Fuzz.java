package io.histoscale.core.fuzz;

import io.histoscale.core.UserException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * What jqwik does not: the rule a parser is held to on a hostile file ({@link #userErrorOr}), a time and an allocation
 * limit per try ({@link #withinLimits}), and inputs that report and save themselves compactly ({@link Bytes}).
 * jqwik runs the tries (fixed seeds, bounded counts) and counts the outcomes ({@link Statistics}).
 *
 * <pre>{@code
 * @Property(tries = 600, seed = "12", shrinking = ShrinkingMode.OFF)
 * void anyDocument(@ForAll("documents") Fuzz.Bytes doc) {
 *     Statistics.collect(Fuzz.parse("annotations.xml", doc, Annotations::read));
 *     Fuzz.coverBothOutcomes(30);
 * }
 * @Provide Arbitrary<Fuzz.Bytes> documents() { return Fuzz.bytes(MyTest::document); }
 * }</pre>
 */
public final class Fuzz {
    /** What {@link #userErrorOr} returns when the parser accepted the input. */
    public static final String ACCEPTED = "accepted";
    /** What {@link #userErrorOr} returns when the parser refused the input with a {@link UserException}. */
    public static final String REJECTED = "rejected";
    /** Longest one try may take before it counts as a hang. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    /** Most heap one try may allocate (all allocations counted, freed or not) before it counts as unbounded. */
    public static final long ALLOCATION_LIMIT = 256L << 20;

    private static ExecutorService worker = newWorker();

    private Fuzz() {
    }

    /** A file's content as a try's input: reported by its size and start, saved whole when a try fails. */
    public record Bytes(byte[] value) {
        @Override
        public String toString() {
            String text = new String(value, 0, Math.min(value.length, 120), StandardCharsets.UTF_8);
            return String.format(Locale.ROOT, "%d bytes starting \"%s\"", value.length,
                    text.replaceAll("[^\\x20-\\x7E]", "?"));
        }
    }

    /** jqwik's arbitrary over a generator of file contents, each try with its own seeded {@link Random}. */
    public static Arbitrary<Bytes> bytes(Function<Random, byte[]> generator) {
        return Arbitraries.randomValue(random -> new Bytes(generator.apply(random)));
    }

    /** A parser that may throw anything. */
    @FunctionalInterface
    public interface Parser {
        Object parse(Path file) throws Exception;
    }

    /**
     * Writes {@code input} as {@code fileName} in a fresh folder and holds {@code parser} to {@link #userErrorOr} there
     * within the limits; removes the folder after. A failing input is saved under {@code target/fuzz-failures/}.
     *
     * @return {@link #ACCEPTED} or {@link #REJECTED}
     */
    public static String parse(String fileName, Bytes input, Parser parser) {
        Path dir;
        try {
            dir = Files.createTempDirectory("fuzz-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path file = Files.write(dir.resolve(fileName), input.value());
            return withinLimits(() -> userErrorOr(file, () -> parser.parse(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + save(fileName, input.value()), e);
        } finally {
            delete(dir);
        }
    }

    /**
     * The rule for a parser given a hostile file: it returns (then this returns {@link #ACCEPTED}) or throws a
     * {@link UserException} whose message names the file (then {@link #REJECTED}); anything else fails.
     */
    public static String userErrorOr(Path file, Callable<?> parse) {
        try {
            parse.call();
            return ACCEPTED;
        } catch (UserException e) {
            String message = e.getMessage();
            if (message == null || message.isBlank()) {
                throw new AssertionError("refused " + file.getFileName() + " without a message", e);
            }
            if (!message.contains(file.getFileName().toString())) {
                throw new AssertionError("refused " + file.getFileName() + " with a message that does not name it: "
                        + message, e);
            }
            return REJECTED;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("crashed with " + e, e);
        }
    }

    /**
     * Runs {@code work} on a worker thread and fails if it takes longer than {@link #TIME_LIMIT} (a hang) or allocates
     * more than {@link #ALLOCATION_LIMIT} on the heap (unbounded allocation).
     */
    public static synchronized <T> T withinLimits(Callable<T> work) {
        Future<T> result = worker.submit(() -> {
            long before = allocatedBytes();
            T value = work.call();
            long used = allocatedBytes() - before;
            if (used > ALLOCATION_LIMIT) {
                throw new AssertionError(String.format(Locale.ROOT, "allocated %d MiB, more than the %d MiB allowed",
                        used >> 20, ALLOCATION_LIMIT >> 20));
            }
            return value;
        });
        try {
            return result.get(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the hung thread is a daemon: it cannot keep the test JVM alive
            throw new AssertionError("did not finish within " + TIME_LIMIT.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AssertionError assertion) {
                throw assertion;
            }
            throw new AssertionError("crashed with " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Fails the property unless at least {@code atLeast} tries were accepted and as many refused: a suite means
     * something only if it reaches both sides. Call it in the property method, after collecting the outcome.
     */
    public static void coverBothOutcomes(int atLeast) {
        Statistics.coverage(coverage -> {
            coverage.check(ACCEPTED).count(n -> n >= atLeast);
            coverage.check(REJECTED).count(n -> n >= atLeast);
        });
    }

    private static String save(String fileName, byte[] bytes) {
        try {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            return "input saved as " + Files.write(dir.resolve(Long.toHexString(crc.getValue()) + "-" + fileName),
                    bytes).toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return "input not saved (" + e + ")";
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not the parser's failure
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-try");
            t.setDaemon(true);
            return t;
        });
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
