package io.histoscale.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Slows password guessing: at most {@code maxFailures} failed logins per user name and per client address in any
 * {@code window} (a sliding one). An attempt beyond that is refused before its password is looked at.
 *
 * <p>An attempt counts as failed from the moment it is let through ({@link #tryAttempt}) until it is known to have
 * succeeded ({@link #succeeded}), so that many attempts sent at once cannot all slip past the limit. A refused
 * attempt does not count: the window keeps sliding and the limit lifts as the failures in it age.
 *
 * <p>Thread-safe.
 */
public final class LoginThrottle {

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    /** Times (epoch ms) of the failures in the window, oldest first, by "u:" + user and "a:" + address. */
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    /** When a refusal of each user-and-address pair was last reported (epoch ms). */
    private final Map<String, Long> reported = new HashMap<>();
    private long lastSweep;

    public LoginThrottle(int maxFailures, Duration window, Clock clock) {
        if (maxFailures < 1) throw new IllegalArgumentException("maxFailures " + maxFailures);
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window " + window);
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Lets an attempt of {@code user} from {@code address} through, counting it as failed until
     * {@link #succeeded}; or refuses it.
     *
     * @return empty when it may go on; else how long until the next attempt may
     */
    public synchronized Optional<Duration> tryAttempt(String user, String address) {
        long now = clock.millis();
        sweep(now);
        long wait = Math.max(waitFor(key("u:", user), now), waitFor(key("a:", address), now));
        if (wait > 0) return Optional.of(Duration.ofMillis(wait));
        failures.computeIfAbsent(key("u:", user), k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent(key("a:", address), k -> new ArrayDeque<>()).addLast(now);
        return Optional.empty();
    }

    /**
     * The attempt let through for {@code user} from {@code address} succeeded: the user's failures are forgotten;
     * the address keeps its earlier ones (else logging into one's own account would reset the count of guesses at
     * others').
     */
    public synchronized void succeeded(String user, String address) {
        failures.remove(key("u:", user));
        Deque<Long> a = failures.get(key("a:", address));
        if (a != null) {
            a.pollLast();
            if (a.isEmpty()) failures.remove(key("a:", address));
        }
    }

    /**
     * Whether a refusal of {@code user} from {@code address} is the first one in a window, and so worth recording:
     * an attacker who keeps knocking should not make the server write on every knock.
     */
    public synchronized boolean firstRefusal(String user, String address) {
        long now = clock.millis();
        String key = key("u:", user) + "\n" + key("a:", address);
        Long last = reported.get(key);
        if (last != null && now - last < window.toMillis()) return false;
        reported.put(key, now);
        return true;
    }

    /** The limit: failures allowed in a window. */
    public int maxFailures() {
        return maxFailures;
    }

    public Duration window() {
        return window;
    }

    /** Milliseconds until {@code key} may try again; 0 when it may now. */
    private long waitFor(String key, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) return 0;
        drop(times, now);
        if (times.size() < maxFailures) return 0;
        // the oldest failures leave the window one by one; the attempt may go on when one fewer than the limit is left
        Iterator<Long> it = times.iterator();
        long oldest = it.next();
        for (int i = 0; i < times.size() - maxFailures; i++) oldest = it.next();
        return Math.max(1, oldest + window.toMillis() - now);
    }

    private void drop(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - window.toMillis()) times.pollFirst();
    }

    /** Forgets keys with no failure left in the window, at most once a window, so that the map cannot grow forever. */
    private void sweep(long now) {
        if (now - lastSweep < window.toMillis()) return;
        lastSweep = now;
        failures.values().removeIf(times -> {
            drop(times, now);
            return times.isEmpty();
        });
        reported.values().removeIf(last -> now - last >= window.toMillis());
    }

    private static String key(String kind, String value) {
        return kind + (value == null ? "" : value);
    }
}
