package io.histoscale.server.auth;

import io.histoscale.registry.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
    private final Sessions sessions = new Sessions(Duration.ofHours(8), Duration.ofHours(24), clock);

    @Test
    void sessionsHaveLongRandomIdsAndTheirOwnCsrfTokens() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Sessions.Session s = sessions.create("ann", Role.VIEWER);
            assertThat(s.id()).matches("[A-Za-z0-9_-]{43}"); // 256 bits
            assertThat(s.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(s.id());
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrfToken())).isTrue();
            assertThat(s.toString()).doesNotContain(s.id()).doesNotContain(s.csrfToken());
        }
        assertThat(sessions.find("nope")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void aSessionEndsWhenIdleAndAtItsAbsoluteLimit() {
        Sessions.Session idle = sessions.create("ann", Role.VIEWER);
        Sessions.Session busy = sessions.create("bob", Role.ADMIN);
        for (int hour = 1; hour <= 23; hour++) {
            clock.advance(Duration.ofHours(1));
            assertThat(sessions.find(busy.id())).as("hour %d", hour).hasValue(busy);
            if (hour == 7) assertThat(sessions.find(idle.id())).hasValue(idle); // seen at 7 h
        }
        assertThat(sessions.find(idle.id())).isEmpty(); // 16 h without a request
        clock.advance(Duration.ofHours(1));
        assertThat(sessions.find(busy.id())).isEmpty(); // 24 h after login, however busy
        assertThat(sessions.size()).isZero();
    }

    @Test
    void endsOneSessionOrAllOfAUser() {
        Sessions.Session a1 = sessions.create("ann", Role.VIEWER);
        Sessions.Session a2 = sessions.create("ann", Role.VIEWER);
        Sessions.Session a3 = sessions.create("ann", Role.VIEWER);
        Sessions.Session b = sessions.create("bob", Role.VIEWER);
        sessions.end(a1.id());
        assertThat(sessions.find(a1.id())).isEmpty();
        assertThat(sessions.endAllOf("ann", a2.id())).isEqualTo(1);
        assertThat(sessions.find(a2.id())).isPresent();
        assertThat(sessions.find(a3.id())).isEmpty();
        assertThat(sessions.find(b.id())).isPresent();
    }
}
