package io.histoscale.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.registry.AuditLog;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server on 127.0.0.1 with {@link Security} installed, a protected page and protected API routes, exercised over
 * HTTP. Each test comes from a client address of its own (the test resolves the address from a header), so that
 * failed logins of one do not throttle another.
 */
class SecurityTest {

    @TempDir
    static Path dir;

    private static Javalin app;
    private static Security security;
    private static Users users;
    private static String base;
    private static final MutableClock clock = new MutableClock(Instant.now());
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final AtomicInteger addresses = new AtomicInteger(1);

    private static final String RITA_PASSWORD = "rita's long password";
    private static final String VIC_PASSWORD = "vic's long password";
    private static final String TESS_PASSWORD = "tess's long password";

    @BeforeAll
    static void start() throws Exception {
        String store = dir.resolve("runs.db").toString();
        users = Users.open(store);
        users.add("rita", Role.RESEARCHER, Passwords.hash(RITA_PASSWORD.toCharArray()), false);
        users.add("vic", Role.VIEWER, Passwords.hash(VIC_PASSWORD.toCharArray()), false);
        users.add("tess", Role.VIEWER, Passwords.hash(TESS_PASSWORD.toCharArray()), false);
        Path statics = Files.createDirectories(dir.resolve("public"));
        Files.writeString(statics.resolve("app.css"), "body{color:#222}");
        Files.writeString(dir.resolve("secret.txt"), "not to be served");

        SecurityConfig sc = SecurityConfig.of(store, false).withClock(clock);
        app = Javalin.create(config -> {
            // tests speak from many addresses; a server behind a proxy would resolve X-Forwarded-For the same way
            config.contextResolver.ip = ctx -> {
                String a = ctx.header("X-Test-Address");
                return a != null ? a : ctx.req().getRemoteAddr();
            };
            security = new Security(sc);
            security.install(config);
            config.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = statics.toString();
                s.location = Location.EXTERNAL;
            });
            config.routes.get("/", ctx -> ctx.html("home of " + Security.user(ctx).name()));
            config.routes.get("/page", ctx -> ctx.html("secret page for " + Security.user(ctx).name()));
            config.routes.get("/api/v1/data", ctx -> ctx.contentType("application/json").result("{\"data\":42}"));
            config.routes.post("/api/v1/thing", ctx -> {
                Security.require(ctx, Role.RESEARCHER);
                Security.audit(ctx, "thing", "thing-1", "ok");
                ctx.contentType("application/json").result("{\"done\":true}");
            });
        }).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.stop();
    }

    // ---- not logged in ------------------------------------------------------------------------------------------

    @Test
    void anApiCallWithoutASessionIs401WithAJsonError() throws Exception {
        String me = address();
        HttpResponse<String> r = send(get("/api/v1/data", me));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(error(r)).contains("log in or send an API token");
        assertThat(r.body()).doesNotContain("42");
        assertSecurityHeaders(r);

        // unknown paths and state-changing calls are refused the same way, before anything runs
        assertThat(send(get("/api/v1/nothing-here", me)).statusCode()).isEqualTo(401);
        assertThat(send(post("/api/v1/thing", me, "", null)).statusCode()).isEqualTo(401);
        assertThat(send(get("/api/v1/me", me)).statusCode()).isEqualTo(401);
    }

    @Test
    void aPageWithoutASessionRedirectsToTheLoginForm() throws Exception {
        HttpResponse<String> r = send(get("/page?slide=a%20b&x=1", address()));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/login?next="
                + URLEncoder.encode("/page?slide=a%20b&x=1", StandardCharsets.UTF_8));
        assertThat(r.body()).doesNotContain("secret page");
        assertSecurityHeaders(r);
    }

    @Test
    void theLoginFormAndStaticFilesNeedNoLoginAndSetNoCookie() throws Exception {
        HttpResponse<String> form = send(get("/login?next=/page", address()));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"login\"").contains("name=\"password\"")
                .contains("value=\"/page\"");
        assertThat(form.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(form.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(form.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'").contains("style-src 'sha256-")
                        .contains("form-action 'self'").doesNotContain("unsafe"));
        assertThat(form.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> css = send(get("/static/app.css", address()));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).isEqualTo("body{color:#222}");
        assertSecurityHeaders(css);
        // a way out of /static/ is no way in
        for (String sneaky : List.of("/static/../api/v1/data", "/static/%2e%2e/api/v1/data", "/static/../secret.txt",
                "/static/..%2f..%2fsecret.txt", "/static/%2e%2e/%2e%2e/secret.txt")) {
            HttpResponse<String> r = send(get(sneaky, address()));
            assertThat(r.statusCode()).as(sneaky).isNotEqualTo(200);
            assertThat(r.body()).as(sneaky).doesNotContain("42").doesNotContain("not to be served");
        }
    }

    // ---- logging in ---------------------------------------------------------------------------------------------

    @Test
    void aLoginSetsAnHttpOnlySameSiteStrictCookieAndGoesToTheLocalNextPage() throws Exception {
        String me = address();
        HttpResponse<String> r = send(post("/login", me, form(Map.of("user", "rita", "password", RITA_PASSWORD,
                "next", "/page?x=1")), null));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/page?x=1");
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(Security.COOKIE + "=").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").doesNotContain("Secure"); // plain HTTP here; Secure with TLS
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie.substring(Security.COOKIE.length() + 1)).matches("[A-Za-z0-9_-]{43}");

        HttpResponse<String> page = send(get("/page", me).header("Cookie", cookie).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("secret page for rita");
        assertSecurityHeaders(page);

        // the user name is taken in any case and with spaces around it
        assertThat(send(post("/login", me, form(Map.of("user", " Rita ", "password", RITA_PASSWORD)), null))
                .statusCode()).isEqualTo(303);

        // another site's address, or a path that a browser reads as one, is never where a login goes
        for (String next : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                "/\tevil")) {
            HttpResponse<String> away = send(post("/login", me, form(Map.of("user", "rita", "password",
                    RITA_PASSWORD, "next", next)), null));
            assertThat(away.headers().firstValue("Location")).as(next).hasValue("/");
        }
        // a login form posted from another site is refused (login CSRF)
        HttpResponse<String> crossSite = send(post("/login", me, form(Map.of("user", "rita", "password",
                RITA_PASSWORD)), Map.of("Sec-Fetch-Site", "cross-site")));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(audit("rita", "login")).extracting(AuditLog.Entry::outcome).contains("ok");
        assertThat(audit("rita", "login").get(0).address()).isEqualTo(me);
    }

    @Test
    void aWrongPasswordShowsTheFormAgainWithoutSayingWhichPartWasWrong() throws Exception {
        String me = address();
        HttpResponse<String> wrong = send(post("/login", me, form(Map.of("user", "rita", "password", "nope")), null));
        HttpResponse<String> unknown = send(post("/login", me, form(Map.of("user", "nobody", "password", "nope")),
                null));
        for (HttpResponse<String> r : List.of(wrong, unknown)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("wrong user name or password").doesNotContain("nope");
            assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        }
        assertThat(send(post("/login", me, form(Map.of("user", "<script>", "password", "x")), null)).body())
                .doesNotContain("<script>").contains("&lt;script&gt;");
        List<AuditLog.Entry> failures = users.audit().list(null, "login", 50).stream()
                .filter(e -> me.equals(e.address())).toList();
        assertThat(failures).extracting(AuditLog.Entry::outcome)
                .containsExactly("unknown user", "unknown user", "wrong password");
        assertThat(failures).extracting(AuditLog.Entry::target).containsOnlyNulls();
        // the audit never holds a password
        assertThat(users.audit().recent(1000).toString()).doesNotContain("nope").doesNotContain(RITA_PASSWORD);
    }

    @Test
    void theSixthWrongPasswordInAMinuteIsRefusedEvenWithTheRightPassword() throws Exception {
        String me = address();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = send(post("/login", me, form(Map.of("user", "tess", "password", "guess" + i)),
                    null));
            assertThat(r.statusCode()).as("attempt %d", i + 1).isEqualTo(401);
        }
        long started = System.nanoTime();
        HttpResponse<String> refused = send(post("/login", me, form(Map.of("user", "tess", "password", TESS_PASSWORD)),
                null));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("too many failed logins; try again in");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
                assertThat(Integer.parseInt(s)).isBetween(1, 60));
        assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        // from another address, tess is refused as well: the user's own count is full
        assertThat(send(post("/login", address(), form(Map.of("user", "tess", "password", TESS_PASSWORD)), null))
                .statusCode()).isEqualTo(429);

        List<AuditLog.Entry> entries = users.audit().list("tess", "login", 50).stream()
                .filter(e -> me.equals(e.address())).toList();
        assertThat(entries).extracting(AuditLog.Entry::outcome).containsExactly("throttled", "wrong password",
                "wrong password", "wrong password", "wrong password", "wrong password");

        clock.advance(Duration.ofSeconds(61)); // the window slides past the failures
        HttpResponse<String> later = send(post("/login", me, form(Map.of("user", "tess", "password", TESS_PASSWORD)),
                null));
        assertThat(later.statusCode()).isEqualTo(303);
    }

    // ---- logged in ----------------------------------------------------------------------------------------------

    @Test
    void aStateChangingCallNeedsTheSessionsCsrfToken() throws Exception {
        Client rita = login("rita", RITA_PASSWORD);
        JsonNode me = Json.tree(send(rita.get("/api/v1/me")).body());
        assertThat(me.get("name").asText()).isEqualTo("rita");
        assertThat(me.get("role").asText()).isEqualTo("researcher");
        String csrf = me.get("csrfToken").asText();
        assertThat(csrf).matches("[A-Za-z0-9_-]{43}");

        HttpResponse<String> none = send(rita.post("/api/v1/thing", "{}", null));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(error(none)).isEqualTo("missing or wrong CSRF token; reload the page");
        assertThat(send(rita.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", csrf + "x"))).statusCode())
                .isEqualTo(403);
        assertThat(send(rita.post("/api/v1/thing", form(Map.of("_csrf", "wrong")), null)).statusCode())
                .isEqualTo(403);
        // another session's token is no good either
        String othersToken = Json.tree(send(login("rita", RITA_PASSWORD).get("/api/v1/me")).body())
                .get("csrfToken").asText();
        assertThat(send(rita.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", othersToken))).statusCode())
                .isEqualTo(403);

        HttpResponse<String> header = send(rita.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", csrf)));
        assertThat(header.statusCode()).isEqualTo(200);
        assertThat(header.body()).isEqualTo("{\"done\":true}");
        HttpResponse<String> field = send(rita.post("/api/v1/thing", form(Map.of("_csrf", csrf)), null));
        assertThat(field.statusCode()).isEqualTo(200);
        assertThat(users.audit().list("rita", "thing", 10)).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(e -> {
                    assertThat(e.target()).isEqualTo("thing-1");
                    assertThat(e.outcome()).isEqualTo("ok");
                    assertThat(e.address()).isEqualTo(rita.address);
                });
        assertThat(users.audit().list("rita", "csrf", 10)).isNotEmpty();
    }

    @Test
    void aViewerIsRefusedWhatNeedsAResearcher() throws Exception {
        Client vic = login("vic", VIC_PASSWORD);
        String csrf = vic.csrf();
        HttpResponse<String> r = send(vic.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", csrf)));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(error(r)).contains("needs the researcher role").contains("vic is a viewer");
        // reading is fine
        assertThat(send(vic.get("/api/v1/data")).statusCode()).isEqualTo(200);
        assertThat(users.audit().list("vic", "thing", 10)).isEmpty();
    }

    @Test
    void anApiTokenWorksWithoutCsrfAndIsShownOnce() throws Exception {
        Client rita = login("rita", RITA_PASSWORD);
        HttpResponse<String> made = send(rita.post("/api/v1/tokens", "{\"label\":\"notebook\"}",
                Map.of("X-CSRF-Token", rita.csrf())));
        assertThat(made.statusCode()).isEqualTo(201);
        assertThat(made.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = Json.tree(made.body());
        String token = body.get("token").asText();
        assertThat(token).startsWith("hs_");
        assertThat(body.get("label").asText()).isEqualTo("notebook");
        assertThat(users.tokens("rita")).extracting(Users.Token::hash).contains(Users.tokenHash(token))
                .doesNotContain(token);

        String me = address();
        HttpRequest.Builder bearer = HttpRequest.newBuilder(URI.create(base + "/api/v1/thing"))
                .header("X-Test-Address", me).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        assertThat(send(bearer.build()).statusCode()).isEqualTo(200);
        JsonNode who = Json.tree(send(get("/api/v1/me", me).header("Authorization", "Bearer " + token).build())
                .body());
        assertThat(who.get("name").asText()).isEqualTo("rita");
        assertThat(who.get("csrfToken").isNull()).isTrue();
        // a token cannot make more tokens
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens")).header("X-Test-Address", me)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(403);

        HttpResponse<String> bad = send(get("/api/v1/data", me).header("Authorization", "Bearer " + token + "x")
                .build());
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(error(bad)).contains("not valid");

        // a viewer's token is a viewer
        String vics = users.createToken("vic", "script");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/thing")).header("X-Test-Address", me)
                .header("Authorization", "Bearer " + vics).POST(HttpRequest.BodyPublishers.ofString("{}")).build())
                .statusCode()).isEqualTo(403);
        assertThat(audit("rita", "token-create")).extracting(AuditLog.Entry::target).contains("notebook");
        assertThat(users.audit().recent(1000).toString()).doesNotContain(token);

        // a revoked token stops working within half a minute (valid tokens are not looked up on every request)
        HttpRequest data = get("/api/v1/data", me).header("Authorization", "Bearer " + vics).build();
        assertThat(send(data).statusCode()).isEqualTo(200);
        users.revokeToken(io.histoscale.registry.Users.tokenHash(vics));
        clock.advance(Duration.ofSeconds(31));
        assertThat(send(data).statusCode()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSessionAndNeedsItsCsrfToken() throws Exception {
        Client vic = login("vic", VIC_PASSWORD);
        assertThat(send(vic.post("/logout", "", null)).statusCode()).isEqualTo(403);
        HttpResponse<String> out = send(vic.post("/logout", form(Map.of("_csrf", vic.csrf())), null));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/login");
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
                assertThat(c).startsWith(Security.COOKIE + "=;").contains("Max-Age=0"));
        assertThat(send(vic.get("/page")).statusCode()).isEqualTo(302);
        assertThat(send(vic.get("/api/v1/data")).statusCode()).isEqualTo(401);
        assertThat(audit("vic", "logout")).extracting(AuditLog.Entry::address).contains(vic.address);
    }

    @Test
    void sessionsExpireWhenIdle() throws Exception {
        Client rita = login("rita", RITA_PASSWORD);
        assertThat(send(rita.get("/page")).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(7));
        assertThat(send(rita.get("/page")).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(8).plusSeconds(1));
        HttpResponse<String> expired = send(rita.get("/page"));
        assertThat(expired.statusCode()).isEqualTo(302);
        assertThat(expired.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
    }

    @Test
    void aUserChangesTheirPasswordAndTheirOtherSessionsEnd() throws Exception {
        users.add("pat", Role.VIEWER, Passwords.hash("pat's first password".toCharArray()), true);
        Client pat = login("pat", "pat's first password");
        Client elsewhere = login("pat", "pat's first password");
        assertThat(Json.tree(send(pat.get("/api/v1/me")).body()).get("mustChangePassword").asBoolean()).isTrue();
        Map<String, String> csrf = Map.of("X-CSRF-Token", pat.csrf());
        assertThat(send(pat.post("/api/v1/me/password", "{\"current\":\"wrong one\",\"password\":\"a new password\"}",
                csrf)).statusCode()).isEqualTo(403);
        HttpResponse<String> shortOne = send(pat.post("/api/v1/me/password",
                "{\"current\":\"pat's first password\",\"password\":\"short\"}", csrf));
        assertThat(shortOne.statusCode()).isEqualTo(400);
        assertThat(error(shortOne)).contains("at least 10");
        assertThat(send(pat.post("/api/v1/me/password",
                "{\"current\":\"pat's first password\",\"password\":\"pat's second password\"}", csrf)).statusCode())
                .isEqualTo(204);
        assertThat(send(pat.get("/page")).statusCode()).isEqualTo(200);
        assertThat(send(elsewhere.get("/page")).statusCode()).isEqualTo(302);
        assertThat(users.get("pat").mustChangePassword()).isFalse();
        assertThat(login("pat", "pat's second password").csrf()).isNotBlank();
    }

    @Test
    void aRemovedUsersSessionsEndAndARoleChangeTakesEffectWithinHalfAMinute() throws Exception {
        users.add("otto", Role.VIEWER, Passwords.hash("otto's long password".toCharArray()), false);
        users.add("olga", Role.VIEWER, Passwords.hash("olga's long password".toCharArray()), false);
        Client otto = login("otto", "otto's long password");
        Client olga = login("olga", "olga's long password");
        String csrf = olga.csrf();
        assertThat(send(olga.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", csrf))).statusCode()).isEqualTo(403);
        users.remove("otto");
        users.setRole("olga", Role.RESEARCHER);
        clock.advance(Duration.ofSeconds(31));
        assertThat(send(otto.get("/page")).statusCode()).isEqualTo(302);
        assertThat(send(olga.post("/api/v1/thing", "{}", Map.of("X-CSRF-Token", csrf))).statusCode()).isEqualTo(200);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A logged-in browser: its cookie and address. */
    private record Client(String cookie, String address) {
        HttpRequest get(String path) {
            return SecurityTest.get(path, address).header("Cookie", cookie).build();
        }

        HttpRequest post(String path, String body, Map<String, String> headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Address", address)
                    .header("Cookie", cookie).header("Content-Type", body.startsWith("{")
                            ? "application/json" : "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (headers != null) headers.forEach(b::header);
            return b.build();
        }

        String csrf() throws Exception {
            return Json.tree(send(get("/api/v1/me")).body()).get("csrfToken").asText();
        }
    }

    private static Client login(String user, String password) throws Exception {
        String me = address();
        HttpResponse<String> r = send(post("/login", me, form(Map.of("user", user, "password", password)), null));
        assertThat(r.statusCode()).as("login of " + user).isEqualTo(303);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Client(setCookie.substring(0, setCookie.indexOf(';')), me);
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'").contains("script-src 'self'").contains("style-src 'self'")
                .contains("img-src 'self' data: blob:").contains("connect-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe"));
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty(); // plain HTTP
    }

    private static String address() {
        return "10.1.0." + addresses.getAndIncrement();
    }

    private static HttpRequest.Builder get(String path, String address) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Address", address).GET();
    }

    private static HttpRequest post(String path, String address, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Address", address)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers != null) headers.forEach(b::header);
        return b.build();
    }

    private static String form(Map<String, String> fields) {
        return new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) {
        return Json.tree(r.body()).get("error").asText();
    }

    private static List<AuditLog.Entry> audit(String user, String action) {
        return users.audit().list(user, action, 100);
    }
}
