package io.histoscale.server.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(1), clock);

    @Test
    void theSixthAttemptInAMinuteIsRefusedAndTheWindowSlides() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.tryAttempt("ann", "10.0.0.1")).as("attempt %d", i + 1).isEmpty();
            clock.advance(Duration.ofSeconds(10)); // failures at 0, 10, 20, 30, 40 s
        }
        // at 50 s: refused until the first failure (0 s) leaves the window at 60 s
        assertThat(throttle.tryAttempt("ann", "10.0.0.1")).hasValue(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertThat(throttle.tryAttempt("ann", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1)); // 60 s: one failure has aged out
        assertThat(throttle.tryAttempt("ann", "10.0.0.1")).isEmpty(); // fails again, at 60 s
        // now failures at 10, 20, 30, 40, 60 s: refused until 10 s leaves, at 70 s
        assertThat(throttle.tryAttempt("ann", "10.0.0.1")).hasValue(Duration.ofSeconds(10));
        clock.advance(Duration.ofMinutes(2));
        assertThat(throttle.tryAttempt("ann", "10.0.0.1")).isEmpty();
    }

    @Test
    void countsPerUserAndPerAddress() {
        // one address guessing at many users
        for (int i = 0; i < 5; i++) assertThat(throttle.tryAttempt("user" + i, "10.0.0.66")).isEmpty();
        assertThat(throttle.tryAttempt("someone-else", "10.0.0.66")).isPresent();
        // many addresses guessing at one user
        for (int i = 0; i < 5; i++) assertThat(throttle.tryAttempt("bob", "10.0.1." + i)).isEmpty();
        assertThat(throttle.tryAttempt("bob", "10.0.1.99")).isPresent();
        // others are not affected
        assertThat(throttle.tryAttempt("carol", "10.0.2.1")).isEmpty();
    }

    @Test
    void aSuccessForgetsTheUsersFailuresButNotTheAddresss() {
        for (int i = 0; i < 4; i++) throttle.tryAttempt("dan", "10.0.0.7");
        assertThat(throttle.tryAttempt("dan", "10.0.0.7")).isEmpty();
        throttle.succeeded("dan", "10.0.0.7");
        // dan's count is cleared; the address keeps its 4 failures (the success is not one)
        assertThat(throttle.tryAttempt("dan", "10.0.0.8")).isEmpty();
        assertThat(throttle.tryAttempt("eve", "10.0.0.7")).isEmpty(); // 5th failure from .7
        assertThat(throttle.tryAttempt("frank", "10.0.0.7")).isPresent();
    }

    @Test
    void attemptsSentAtOnceCannotSlipPastTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 50; i++) tries.add(pool.submit(() -> throttle.tryAttempt("gus", "10.0.3.3").isEmpty()));
            int through = 0;
            for (Future<Boolean> f : tries) through += f.get() ? 1 : 0;
            assertThat(through).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefusalIsReportedOncePerWindow() {
        assertThat(throttle.firstRefusal("hal", "10.0.0.9")).isTrue();
        assertThat(throttle.firstRefusal("hal", "10.0.0.9")).isFalse();
        assertThat(throttle.firstRefusal("hal", "10.0.0.10")).isTrue();
        clock.advance(Duration.ofSeconds(61));
        assertThat(throttle.firstRefusal("hal", "10.0.0.9")).isTrue();
    }
}
