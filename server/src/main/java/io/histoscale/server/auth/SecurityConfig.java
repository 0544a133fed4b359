package io.histoscale.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server guards itself: where its users are (the run registry), whether it runs TLS (then the session
 * cookie is {@code Secure} and browsers are told to keep to HTTPS), how long sessions last, how many failed logins
 * are let through, and the Content-Security-Policy of every response. Start from {@link #of} and change what differs.
 *
 * @param store           the registry location (an SQLite file or a JDBC URL) holding users, tokens and the audit log
 * @param tls             whether the server is reached over HTTPS
 * @param sessionIdle     a session ends after this long without a request
 * @param sessionAbsolute a session ends this long after login, however busy
 * @param maxFailedLogins failed logins allowed per user and per client address in {@code loginWindow}
 * @param loginWindow     the sliding window of the login limit
 * @param contentSecurityPolicy the {@code Content-Security-Policy} header of every response
 * @param clock           the time (tests move it)
 */
public record SecurityConfig(String store, boolean tls, Duration sessionIdle, Duration sessionAbsolute,
                             int maxFailedLogins, Duration loginWindow, String contentSecurityPolicy, Clock clock) {

    /** Only this server's own scripts, styles, images (and data:/blob: images for canvases), fetches and forms. */
    public static final String DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    public SecurityConfig {
        Objects.requireNonNull(sessionIdle);
        Objects.requireNonNull(sessionAbsolute);
        Objects.requireNonNull(loginWindow);
        Objects.requireNonNull(contentSecurityPolicy);
        Objects.requireNonNull(clock);
    }

    /** Users in {@code store}; sessions idle out after 8 h and end 24 h after login; 5 failed logins a minute. */
    public static SecurityConfig of(String store, boolean tls) {
        return new SecurityConfig(store, tls, Duration.ofHours(8), Duration.ofHours(24), 5, Duration.ofMinutes(1),
                DEFAULT_CSP, Clock.systemUTC());
    }

    public SecurityConfig withSessions(Duration idle, Duration absolute) {
        return new SecurityConfig(store, tls, idle, absolute, maxFailedLogins, loginWindow, contentSecurityPolicy,
                clock);
    }

    public SecurityConfig withThrottle(int maxFailures, Duration window) {
        return new SecurityConfig(store, tls, sessionIdle, sessionAbsolute, maxFailures, window, contentSecurityPolicy,
                clock);
    }

    public SecurityConfig withContentSecurityPolicy(String csp) {
        return new SecurityConfig(store, tls, sessionIdle, sessionAbsolute, maxFailedLogins, loginWindow, csp, clock);
    }

    public SecurityConfig withClock(Clock clock) {
        return new SecurityConfig(store, tls, sessionIdle, sessionAbsolute, maxFailedLogins, loginWindow,
                contentSecurityPolicy, clock);
    }
}
