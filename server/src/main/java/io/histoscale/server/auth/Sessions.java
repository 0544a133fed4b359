package io.histoscale.server.auth;

import io.histoscale.registry.Role;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Logged-in browsers, in memory: a session is a 256-bit random id (the {@code hs_session} cookie) naming a user, the
 * role they had when they logged in and a CSRF token of its own. A session ends at logout, after {@link #idle} without
 * a request, or {@link #absolute} after login, whichever comes first; a restart of the server ends them all.
 *
 * <p>Thread-safe.
 */
public final class Sessions {

    /** One session. {@code csrfToken} must come back with every request that changes something. */
    public record Session(String id, String user, Role role, String csrfToken, Instant createdAt) {
        @Override
        public String toString() {
            return "Session[" + user + ", " + role + "]"; // never the id or the token
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ID_BYTES = 32;

    private final Duration idle;
    private final Duration absolute;
    private final Clock clock;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    private static final class Entry {
        final Session session;
        volatile Instant lastSeen;
        /** When the user and role were last confirmed against the user store (epoch ms). */
        volatile long confirmedAt;

        Entry(Session session, Instant lastSeen, long confirmedAt) {
            this.session = session;
            this.lastSeen = lastSeen;
            this.confirmedAt = confirmedAt;
        }
    }

    public Sessions(Duration idle, Duration absolute, Clock clock) {
        if (idle.isNegative() || idle.isZero() || absolute.isNegative() || absolute.isZero()) {
            throw new IllegalArgumentException("session lifetimes must be positive");
        }
        this.idle = idle;
        this.absolute = absolute;
        this.clock = Objects.requireNonNull(clock);
        this.lastSweep = clock.millis();
    }

    /** A new session of {@code user}, with new random id and CSRF token. */
    public Session create(String user, Role role) {
        sweepNow();
        Instant now = clock.instant();
        Session s = new Session(random(), user, role, random(), now);
        sessions.put(s.id(), new Entry(s, now, now.toEpochMilli()));
        return s;
    }

    /** The live session with this id, marked as seen now; empty (and the session forgotten) once it has expired. */
    public Optional<Session> find(String id) {
        if (id == null || id.length() > 100) return Optional.empty();
        sweep();
        Entry e = sessions.get(id);
        if (e == null) return Optional.empty();
        Instant now = clock.instant();
        if (expired(e, now)) {
            sessions.remove(id, e);
            return Optional.empty();
        }
        e.lastSeen = now;
        return Optional.of(e.session);
    }

    /**
     * {@code s} as its user is now, looked up with {@code roleOf} when it was last confirmed longer than
     * {@code every} ago: ended when the user no longer exists, with their new role when it changed (an administrator
     * may remove a user or change a role from the command line while the server runs).
     *
     * @param roleOf the user's role now, empty when there is no such user any more
     */
    public Optional<Session> confirm(Session s, Duration every, Function<String, Optional<Role>> roleOf) {
        Entry e = sessions.get(s.id());
        if (e == null) return Optional.empty();
        long now = clock.millis();
        if (now - e.confirmedAt < every.toMillis()) return Optional.of(e.session);
        Optional<Role> role = roleOf.apply(s.user());
        if (role.isEmpty()) {
            sessions.remove(s.id(), e);
            return Optional.empty();
        }
        e.confirmedAt = now;
        if (role.get() == e.session.role()) return Optional.of(e.session);
        Session changed = new Session(s.id(), s.user(), role.get(), s.csrfToken(), s.createdAt());
        sessions.replace(s.id(), e, new Entry(changed, e.lastSeen, now));
        return Optional.of(changed);
    }

    /** Ends the session with this id, if any. */
    public void end(String id) {
        if (id != null) sessions.remove(id);
    }

    /** Ends every session of {@code user} but {@code keep} (null: all of them); how many ended. */
    public int endAllOf(String user, String keep) {
        int[] ended = {0};
        sessions.values().removeIf(e -> {
            boolean end = e.session.user().equals(user) && !e.session.id().equals(keep);
            if (end) ended[0]++;
            return end;
        });
        return ended[0];
    }

    /** How many sessions are live. */
    public int size() {
        sweepNow();
        return sessions.size();
    }

    public Duration idle() {
        return idle;
    }

    public Duration absolute() {
        return absolute;
    }

    private boolean expired(Entry e, Instant now) {
        return !now.isBefore(e.lastSeen.plus(idle)) || !now.isBefore(e.session.createdAt().plus(absolute));
    }

    /** Forgets expired sessions, at most once a minute. */
    private void sweep() {
        if (clock.millis() - lastSweep >= 60_000) sweepNow();
    }

    private void sweepNow() {
        Instant now = clock.instant();
        lastSweep = now.toEpochMilli();
        sessions.values().removeIf(e -> expired(e, now));
    }

    private static String random() {
        byte[] bytes = new byte[ID_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
