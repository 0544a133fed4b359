package io.histoscale.core.fuzz;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One property over random inputs: {@code tries} inputs from a generator, each checked on a worker thread within a
 * time limit and an allocation limit (bytes the worker allocates on the Java heap while checking it, measured by
 * the JVM). The first failing try fails the test, naming its seed and saving its input.
 *
 * <pre>{@code
 * Fuzz.Summary s = Fuzz.property("annotation-readers", random -> randomDocument(random))
 *         .tries(400).saveAs("xml", doc -> doc)
 *         .check(doc -> Fuzz.userErrorOr(write(doc), () -> Annotations.read(file)));
 * }</pre>
 *
 * @param <T> the input
 */
public final class Fuzz<T> {
    /** What {@link #userErrorOr} returns when the parser accepted the input. */
    public static final String ACCEPTED = "accepted";
    /** What {@link #userErrorOr} returns when the parser refused the input with a {@link UserException}. */
    public static final String REJECTED = "rejected";

    private static final long MIB = 1 << 20;

    private final String name;
    private final Function<Random, T> generator;
    private int tries = 100;
    private Duration timeLimit = Duration.ofSeconds(10);
    private long allocationLimit = 256 * MIB;
    private String extension = "bin";
    private Function<T, byte[]> bytes = t -> String.valueOf(t).getBytes(StandardCharsets.UTF_8);

    private Fuzz(String name, Function<Random, T> generator) {
        this.name = name;
        this.generator = generator;
    }

    /** A property named {@code name} (which also fixes its default seed) over inputs from {@code generator}. */
    public static <T> Fuzz<T> property(String name, Function<Random, T> generator) {
        return new Fuzz<>(name, generator);
    }

    /** Inputs to check (default 100); {@code -Dhistoscale.fuzz.tries} overrides it. */
    public Fuzz<T> tries(int tries) {
        this.tries = tries;
        return this;
    }

    /** Longest one try may take (default 10 s) before it counts as a hang. */
    public Fuzz<T> timeLimit(Duration timeLimit) {
        this.timeLimit = timeLimit;
        return this;
    }

    /** Most heap one try may allocate (default 256 MiB), all allocations counted, freed or not. */
    public Fuzz<T> allocationLimit(long bytes) {
        this.allocationLimit = bytes;
        return this;
    }

    /** How a failing input is saved: its file extension and bytes (default: its string in UTF-8). */
    public Fuzz<T> saveAs(String extension, Function<T, byte[]> bytes) {
        this.extension = extension;
        this.bytes = bytes;
        return this;
    }

    /**
     * Checks {@code property} on every input; it returns a label for the outcome (e.g. {@link #userErrorOr}'s),
     * counted in the summary, and throws to fail.
     *
     * @throws AssertionError naming the first failing try, its seed and where its input was saved
     */
    public Summary check(Function<T, String> property) {
        long seed = seed();
        String replay = System.getProperty("histoscale.fuzz.replay", "");
        int count = replay.isBlank() ? Integer.getInteger("histoscale.fuzz.tries", tries) : 1;
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true); // a hung try must not keep the test JVM alive
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                long trySeed = replay.isBlank() ? mix(seed + i * 0x9E3779B97F4A7C15L) : Long.parseLong(replay);
                T input = generator.apply(new Random(trySeed));
                String outcome = run(worker, property, input, trySeed, i, count);
                outcomes.merge(outcome, 1, Integer::sum);
            }
        } finally {
            worker.shutdownNow();
        }
        Summary summary = new Summary(name, seed, count, Duration.ofNanos(System.nanoTime() - start), outcomes);
        System.out.println(summary);
        return summary;
    }

    private String run(ExecutorService worker, Function<T, String> property, T input, long trySeed, int i,
                       int count) {
        Future<String> result = worker.submit(() -> {
            long before = allocatedBytes();
            String outcome = property.apply(input);
            long used = allocatedBytes() - before;
            if (used > allocationLimit) {
                throw new AssertionError(String.format(Locale.ROOT, "allocated %d MiB, more than the %d MiB allowed",
                        used / MIB, allocationLimit / MIB));
            }
            return outcome;
        });
        try {
            return result.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw failure(input, trySeed, i, count, "did not finish within " + timeLimit.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof AssertionError ? cause.getMessage() : "crashed with " + cause;
            throw failure(input, trySeed, i, count, why, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private AssertionError failure(T input, long trySeed, int i, int count, String why, Throwable cause) {
        String saved;
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            saved = "input saved as " + Files.write(dir.resolve(name + "-" + Long.toUnsignedString(trySeed) + "."
                    + extension), bytes.apply(input)).toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            saved = "input not saved (" + e + ")";
        }
        return new AssertionError("fuzz property '" + name + "' failed on try " + (i + 1) + " of " + count + ": "
                + why + "; " + saved + "; replay it with -Dhistoscale.fuzz.replay=" + trySeed, cause);
    }

    private long seed() {
        String given = System.getProperty("histoscale.fuzz.seed", "");
        if (given.equals("random")) {
            return new Random().nextLong();
        }
        return given.isBlank() ? mix(name.hashCode()) : Long.parseLong(given);
    }

    /** SplitMix64's finaliser: neighbouring seeds give unrelated tries. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
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
        } catch (Exception e) {
            throw new AssertionError("crashed with " + e, e);
        }
    }

    /**
     * What a property did.
     *
     * @param outcomes how many tries ended with each label
     */
    public record Summary(String name, long seed, int tries, Duration time, Map<String, Integer> outcomes) {
        /** Tries that ended with {@code label}. */
        public int count(String label) {
            return outcomes.getOrDefault(label, 0);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "fuzz %s: %d tries in %.1f s (seed %d): %s", name, tries,
                    time.toMillis() / 1000.0, seed, outcomes);
        }
    }
}
