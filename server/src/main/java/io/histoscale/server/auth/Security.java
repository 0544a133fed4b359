package io.histoscale.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Html;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.registry.AuditLog;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import io.javalin.config.JavalinConfig;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's guard: who is asking (a browser's session or an API token), whether they may, and what they did.
 *
 * <p>{@link #install} registers, before any handler of the app:
 * <ul>
 *     <li>security headers on every response (nosniff, no framing, same-origin referrers, a Content-Security-Policy
 *     allowing only the server itself; HSTS over TLS);</li>
 *     <li>a check of every request but {@code /login}, {@code /static/*} and {@code /favicon.ico}: without a live
 *     session ({@code hs_session} cookie) or an API token ({@code Authorization: Bearer TOKEN}) an {@code /api/}
 *     path answers 401 with a JSON error and a page redirects to {@code /login?next=PAGE}; a request that changes
 *     something (any method but GET, HEAD, OPTIONS) on a session must carry the session's CSRF token in the header
 *     {@code X-CSRF-Token} or the form field {@code _csrf}, else 403;</li>
 *     <li>{@code GET/POST /login} (a plain form; failed logins are limited by {@link LoginThrottle}; a post that a
 *     browser says comes from another site is refused),
 *     {@code POST /logout}, {@code GET /api/v1/me}, {@code POST /api/v1/me/password} and
 *     {@code POST /api/v1/tokens};</li>
 *     <li>a JSON body {@code {"error": ...}} for {@link ForbiddenResponse}, as {@link #require} throws it.</li>
 * </ul>
 * Handlers then ask {@link #user}, {@link #require} and write what they did with {@link #audit}. Logins (successful,
 * failed, refused), logouts, new tokens and password changes are audited by this class. Neither passwords nor
 * tokens are ever written anywhere but as hashes.
 */
public final class Security {

    /** The session cookie. */
    public static final String COOKIE = "hs_session";
    /** The header carrying the CSRF token (scripts). */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The form field carrying the CSRF token (HTML forms). */
    public static final String CSRF_FIELD = "_csrf";

    /**
     * Who is asking: a user with their role, and the CSRF token of their session ({@code null} when they came with an
     * API token, which needs none).
     */
    public record Principal(String name, Role role, String csrfToken) {
        /** Whether the request came with an API token rather than a browser session. */
        public boolean viaToken() {
            return csrfToken == null;
        }

        @Override
        public String toString() {
            return "Principal[" + name + ", " + role + "]";
        }
    }

    private static final Key<Security> KEY = new Key<>("histoscale.security");
    private static final String PRINCIPAL = "histoscale.principal";
    private static final String SESSION_ID = "histoscale.session";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String JSON = "application/json";
    /** How often a session's user and role are checked against the registry. */
    private static final Duration RECHECK = Duration.ofSeconds(30);

    private final SecurityConfig config;
    private final Users users;
    private final AuditLog audit;
    private final Sessions sessions;
    /**
     * Tokens found valid, by their hash, with when they were checked: a script's every request (a viewer loads dozens of
     * tiles a second) does not reach the database; a revoked token or changed role counts within {@link #RECHECK}.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Map.Entry<Principal, java.time.Instant>> checkedTokens =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final LoginThrottle throttle;
    /** A hash no password matches, checked for unknown users so that they take as long as known ones. */
    private final String dummyHash;

    /** Guards with users, tokens and the audit log in {@code config.store()} (opened, and migrated, here). */
    public Security(SecurityConfig config) {
        this(config, Users.open(config.store()));
    }

    /** Guards with {@code users} (and their registry's audit log). */
    public Security(SecurityConfig config, Users users) {
        this.config = config;
        this.users = users;
        this.audit = users.audit();
        this.sessions = new Sessions(config.sessionIdle(), config.sessionAbsolute(), config.clock());
        this.throttle = new LoginThrottle(config.maxFailedLogins(), config.loginWindow(), config.clock());
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.dummyHash = Passwords.hash(Base64.getEncoder().encodeToString(random).toCharArray());
    }

    /** A new guard for {@code sc}, installed in {@code javalin}; see {@link #install(JavalinConfig)}. */
    public static Security install(JavalinConfig javalin, SecurityConfig sc) {
        Security security = new Security(sc);
        security.install(javalin);
        return security;
    }

    /**
     * Registers the headers, the check of every request, the login routes and the 403 body (see the class comment).
     * Call it first in {@code Javalin.create}, before the app's own handlers: before-handlers run in the order they
     * were added.
     */
    public void install(JavalinConfig javalin) {
        javalin.appData(KEY, this);
        javalin.routes.before(this::guard);
        javalin.routes.get("/login", this::loginPage);
        javalin.routes.post("/login", this::login);
        javalin.routes.post("/logout", this::logout);
        javalin.routes.get("/api/v1/me", this::me);
        javalin.routes.post("/api/v1/me/password", this::changePassword);
        javalin.routes.post("/api/v1/tokens", this::createToken);
        javalin.routes.exception(ForbiddenResponse.class, (e, ctx) -> error(ctx, 403, e.getMessage()));
    }

    /** Who a bearer token belongs to, or null; a valid token is looked up again after {@link #RECHECK}. */
    private Principal tokenPrincipal(String token) {
        String hash = Users.tokenHash(token);
        java.time.Instant now = config.clock().instant();
        Map.Entry<Principal, java.time.Instant> known = checkedTokens.get(hash);
        if (known != null && known.getValue().plus(RECHECK).isAfter(now)) return known.getKey();
        Optional<Users.User> user = users.userOfToken(token);
        if (user.isEmpty()) {
            checkedTokens.remove(hash);
            return null;
        }
        if (checkedTokens.size() > 10_000) checkedTokens.clear();
        Principal p = new Principal(user.get().name(), user.get().role(), null);
        checkedTokens.put(hash, Map.entry(p, now));
        return p;
    }

    public Users users() {
        return users;
    }

    public AuditLog auditLog() {
        return audit;
    }

    public Sessions sessions() {
        return sessions;
    }

    public SecurityConfig config() {
        return config;
    }

    // ---- for the app's handlers ---------------------------------------------------------------------------------

    /**
     * Who is asking.
     *
     * @throws UnauthorizedResponse on a path that needs no login ({@code /login}, {@code /static/*}), where nobody is
     *                              known
     */
    public static Principal user(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw new UnauthorizedResponse("not logged in");
        return p;
    }

    /** Who is asking, if anybody is known (nobody on {@code /login} and {@code /static/*}). */
    public static Optional<Principal> current(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /**
     * Refuses the request unless its user has {@code role} or a higher one.
     *
     * @throws ForbiddenResponse (403, answered as {@code {"error": "..."}}) naming the role needed
     */
    public static void require(Context ctx, Role role) {
        Principal p = user(ctx);
        if (!p.role().atLeast(role)) {
            throw new ForbiddenResponse("this needs the " + role.label() + " role (or a higher one); " + p.name()
                    + " is a " + p.role().label());
        }
    }

    /** {@link #require} as a handler: for a before-handler on some paths, or to call first in an endpoint. */
    public static Handler requireRole(Role role) {
        return ctx -> require(ctx, role);
    }

    /**
     * Writes what the app did for the user asking (submit, cancel, open slide) to the audit log, with their address.
     *
     * @param target  what it was done to (a run id, a slide), or null
     * @param outcome {@code ok}, or why not
     */
    public static void audit(Context ctx, String action, String target, String outcome) {
        Security security = ctx.appData(KEY);
        String user = current(ctx).map(Principal::name).orElse(null);
        security.audit.append(security.config.clock().instant(), user, ctx.ip(), action, target, outcome);
    }

    // ---- every request ------------------------------------------------------------------------------------------

    private void guard(Context ctx) {
        headers(ctx);
        String path = localPath(ctx);
        if (isPublic(path)) return;
        boolean api = path.startsWith("/api/");
        String authorization = ctx.header("Authorization");
        Principal principal = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            principal = tokenPrincipal(authorization.substring(7).strip());
            if (principal == null) {
                deny(ctx, 401, "this API token is not valid (mistyped or revoked); log in or send an API token");
                return;
            }
        } else {
            String id = ctx.cookie(COOKIE);
            Optional<Sessions.Session> session = sessions.find(id).flatMap(s -> sessions.confirm(s, RECHECK,
                    name -> users.find(name).map(Users.User::role)));
            if (session.isPresent()) {
                Sessions.Session s = session.get();
                principal = new Principal(s.user(), s.role(), s.csrfToken());
                ctx.attribute(SESSION_ID, s.id());
            } else if (id != null) {
                ctx.res().addHeader("Set-Cookie", cookie("", 0)); // expired or unknown: forget it
            }
        }
        if (principal == null) {
            if (api || !SAFE_METHODS.contains(ctx.method().name())) {
                deny(ctx, 401, "not logged in; log in or send an API token (Authorization: Bearer TOKEN)");
            } else {
                String next = path + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                redirect(ctx, 302, "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                ctx.skipRemainingHandlers();
            }
            return;
        }
        if (!principal.viaToken() && !SAFE_METHODS.contains(ctx.method().name()) && !csrfMatches(ctx, principal)) {
            audit.append(config.clock().instant(), principal.name(), ctx.ip(), "csrf", path, "refused");
            deny(ctx, 403, "missing or wrong CSRF token; reload the page");
            return;
        }
        ctx.attribute(PRINCIPAL, principal);
    }

    private void headers(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Content-Security-Policy", config.contentSecurityPolicy());
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        if (config.tls()) ctx.header("Strict-Transport-Security", "max-age=15552000");
    }

    private static boolean isPublic(String path) {
        return path.equals("/login") || path.equals("/favicon.ico") || path.startsWith("/static/");
    }

    private static boolean csrfMatches(Context ctx, Principal p) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null && (ctx.isFormUrlencoded() || ctx.isMultipartFormData())) sent = ctx.formParam(CSRF_FIELD);
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                p.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code status} with {@code {"error": message}} and runs no further handler. */
    private static void deny(Context ctx, int status, String message) {
        error(ctx, status, message);
        ctx.skipRemainingHandlers();
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType(JSON).result(Json.line(Map.of("error", message)));
    }

    // ---- login and logout ---------------------------------------------------------------------------------------

    private void loginPage(Context ctx) {
        String next = safeNext(ctx.queryParam("next"));
        if (sessions.find(ctx.cookie(COOKIE)).isPresent()) {
            redirect(ctx, 303, next);
            return;
        }
        loginForm(ctx, 200, next, "", null);
    }

    private void login(Context ctx) {
        // another site posting this form would log the browser into an account of that site's choosing
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            error(ctx, 403, "a login must come from this server's own login form");
            return;
        }
        String next = safeNext(ctx.formParam("next"));
        String given = ctx.formParam("user");
        String name = given == null ? "" : given.strip().toLowerCase(Locale.ROOT);
        if (name.length() > 64) name = name.substring(0, 64); // no valid name is longer
        String password = ctx.formParam("password");
        String address = ctx.ip();
        if (name.isEmpty() || password == null || password.isEmpty()) {
            loginForm(ctx, 400, next, name, "give your user name and password");
            return;
        }
        Optional<Duration> wait = throttle.tryAttempt(name, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            if (throttle.firstRefusal(name, address)) {
                audit.append(config.clock().instant(), name, address, "login", null, "throttled");
            }
            ctx.header("Retry-After", Long.toString(seconds));
            loginForm(ctx, 429, next, name, "too many failed logins; try again in " + seconds + " s");
            return;
        }
        Optional<Users.User> user = Users.NAME.matcher(name).matches() ? users.find(name) : Optional.empty();
        char[] chars = password.toCharArray();
        boolean ok;
        try {
            ok = Passwords.verify(chars, user.isPresent() ? user.get().passwordHash() : dummyHash) && user.isPresent();
        } finally {
            Arrays.fill(chars, '\0');
        }
        if (!ok) {
            audit.append(config.clock().instant(), name, address, "login", null,
                    user.isPresent() ? "wrong password" : "unknown user");
            loginForm(ctx, 401, next, name, "wrong user name or password");
            return;
        }
        throttle.succeeded(name, address);
        sessions.end(ctx.cookie(COOKIE));
        Sessions.Session s = sessions.create(name, user.get().role());
        ctx.res().addHeader("Set-Cookie", cookie(s.id(), -1));
        audit.append(config.clock().instant(), name, address, "login", null, "ok");
        redirect(ctx, 303, next);
    }

    private void logout(Context ctx) {
        Principal p = user(ctx);
        String id = ctx.attribute(SESSION_ID);
        if (id != null) sessions.end(id);
        ctx.res().addHeader("Set-Cookie", cookie("", 0));
        audit.append(config.clock().instant(), p.name(), ctx.ip(), "logout", null, "ok");
        redirect(ctx, 303, "/login");
    }

    /**
     * The Set-Cookie header of the session: {@code maxAge} -1 for one that lasts until the browser closes (the server
     * ends it earlier), 0 to remove it.
     */
    private String cookie(String value, int maxAge) {
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (config.tls() ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    /**
     * {@code next} when it is a path on this server (one leading slash, not {@code //host} nor {@code /\host}, no
     * control characters), else {@code /}: a login link cannot send the user elsewhere.
     */
    static String safeNext(String next) {
        if (next == null || next.length() > 2000 || !next.startsWith("/") || next.startsWith("//")
                || next.startsWith("/\\")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') return "/";
        }
        return next;
    }

    private static void redirect(Context ctx, int status, String location) {
        String cp = ctx.contextPath();
        String target = cp == null || cp.equals("/") || cp.isEmpty() ? location : cp + location;
        ctx.status(status).header("Location", target);
    }

    private static String localPath(Context ctx) {
        String path = ctx.path();
        String cp = ctx.contextPath();
        if (cp != null && !cp.equals("/") && path.startsWith(cp)) path = path.substring(cp.length());
        return path.isEmpty() ? "/" : path;
    }

    // ---- the user's own API -------------------------------------------------------------------------------------

    private void me(Context ctx) {
        Principal p = user(ctx);
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("name", p.name());
        me.put("role", p.role().label());
        me.put("csrfToken", p.csrfToken());
        me.put("mustChangePassword", users.find(p.name()).map(Users.User::mustChangePassword).orElse(false));
        ctx.header("Cache-Control", "no-store").contentType(JSON).result(Json.line(me));
    }

    /** A new API token of the logged-in user, shown once: {@code {"token", "user", "label"}}. */
    private void createToken(Context ctx) {
        Principal p = user(ctx);
        if (p.viaToken()) {
            error(ctx, 403, "API tokens are made from a logged-in browser session, not with another token");
            return;
        }
        String label = field(ctx, "label");
        if (label != null && label.isBlank()) label = null;
        String token;
        try {
            token = users.createToken(p.name(), label);
        } catch (UserException e) {
            error(ctx, 400, e.getMessage());
            return;
        }
        audit(ctx, "token-create", label, "ok");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("user", p.name());
        body.put("label", label);
        ctx.status(201).header("Cache-Control", "no-store").contentType(JSON).result(Json.line(body));
    }

    /** Changes the logged-in user's password: fields {@code current} and {@code password}; ends their other sessions. */
    private void changePassword(Context ctx) {
        Principal p = user(ctx);
        if (p.viaToken()) {
            error(ctx, 403, "a password is changed from a logged-in browser session, not with an API token");
            return;
        }
        String current = field(ctx, "current");
        String fresh = field(ctx, "password");
        if (current == null || fresh == null) {
            error(ctx, 400, "give the current password (current) and the new one (password)");
            return;
        }
        Optional<Duration> wait = throttle.tryAttempt(p.name(), ctx.ip());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            if (throttle.firstRefusal(p.name(), ctx.ip())) audit(ctx, "password-change", p.name(), "throttled");
            ctx.header("Retry-After", Long.toString(seconds));
            error(ctx, 429, "too many failed attempts; try again in " + seconds + " s");
            return;
        }
        Optional<Users.User> user = users.find(p.name());
        char[] currentChars = current.toCharArray();
        char[] freshChars = fresh.toCharArray();
        try {
            if (user.isEmpty() || !Passwords.verify(currentChars, user.get().passwordHash())) {
                audit(ctx, "password-change", p.name(), "wrong password");
                error(ctx, 403, "the current password is wrong");
                return;
            }
            throttle.succeeded(p.name(), ctx.ip());
            try {
                Passwords.checkNew(freshChars);
            } catch (UserException e) {
                error(ctx, 400, e.getMessage());
                return;
            }
            users.setPassword(p.name(), Passwords.hash(freshChars), false);
        } finally {
            Arrays.fill(currentChars, '\0');
            Arrays.fill(freshChars, '\0');
        }
        sessions.endAllOf(p.name(), ctx.attribute(SESSION_ID));
        audit(ctx, "password-change", p.name(), "ok");
        ctx.status(204);
    }

    /** A field of a JSON object body, or a form field. */
    private static String field(Context ctx, String name) {
        if (ctx.isJson()) {
            String body = ctx.body();
            if (body.isBlank()) return null;
            try {
                JsonNode value = Json.tree(body).get(name);
                return value == null || value.isNull() ? null : value.asText();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return ctx.isFormUrlencoded() || ctx.isMultipartFormData() ? ctx.formParam(name) : null;
    }

    // ---- the login page -----------------------------------------------------------------------------------------

    private static final String STYLE = "body{font-family:system-ui,sans-serif;background:#f4f1f6;color:#222;"
            + "display:flex;min-height:90vh;align-items:center;justify-content:center}"
            + "form{background:#fff;padding:2em 2.5em;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.12);"
            + "min-width:18em}h1{font-size:1.3em;margin:0 0 1em;color:#6a2c70}label{display:block;margin:.8em 0 .2em}"
            + "input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5em;font-size:1em}"
            + "button{margin-top:1.2em;width:100%;padding:.6em;font-size:1em;background:#6a2c70;color:#fff;"
            + "border:0;border-radius:4px;cursor:pointer}.error{color:#b00020;margin:0 0 .5em}";
    /** The login page's own policy: its one inline style, by hash; nothing else but posting its form here. */
    private static final String LOGIN_CSP = "default-src 'none'; style-src 'sha256-" + sha256Base64(STYLE)
            + "'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static void loginForm(Context ctx, int status, String next, String user, String message) {
        ctx.header("Content-Security-Policy", LOGIN_CSP).header("Cache-Control", "no-store");
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>HistoScale — log in</title><style>" + STYLE + "</style></head>\n<body>"
                + "<form method=\"post\" action=\"login\" autocomplete=\"on\"><h1>HistoScale</h1>"
                + (message == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.escape(message) + "</p>")
                + "<input type=\"hidden\" name=\"next\" value=\"" + Html.escape(next) + "\">"
                + "<label for=\"user\">User</label><input type=\"text\" id=\"user\" name=\"user\" value=\""
                + Html.escape(user) + "\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required"
                + (user.isEmpty() ? " autofocus" : "") + ">"
                + "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\""
                + " autocomplete=\"current-password\" required" + (user.isEmpty() ? "" : " autofocus") + ">"
                + "<button type=\"submit\">Log in</button></form></body></html>\n";
        ctx.status(status).html(html);
    }

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
