package io.histoscale.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import io.histoscale.search.study.Study;
import io.histoscale.server.ServerConfig;
import io.histoscale.server.WebServer;
import io.histoscale.server.auth.Passwords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /api/v1/studies} on a real server and SQLite registry holding two studies made through the search module's
 * protocol ({@link StudyFixture}): the list, one study with every trial, 404 and the login.
 */
class StudiesApiTest {

    static final String PASSWORD = "a viewer long password";

    @TempDir
    static Path dir;
    static WebServer server;
    static String cookie;
    static Study auc;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        String store = dir.resolve("runs.db").toString();
        auc = StudyFixture.aucStudy(store, "lr-auc", dir);
        Thread.sleep(5); // the list is newest first: created_at in milliseconds
        StudyFixture.lossStudy(store, "loss.small", dir);
        Users.open(store).add("vic", Role.VIEWER, Passwords.hash(PASSWORD.toCharArray()), false);
        server = WebServer.start(ServerConfig.builder().optPort(0).setStore(store).optWork(dir.resolve("work")).build());
        cookie = logIn("vic");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theListGivesEachStudysSettingsCountsEpochsAndBest() throws Exception {
        HttpResponse<String> r = get("/api/v1/studies", cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode studies = Json.tree(r.body()).path("studies");
        assertThat(studies).hasSize(2);
        assertThat(studies.get(0).path("name").asText()).as("newest first").isEqualTo("loss.small");

        JsonNode s = studies.get(1);
        assertThat(s.path("name").asText()).isEqualTo("lr-auc");
        assertThat(s.path("metric").asText()).isEqualTo("val_auc");
        assertThat(s.path("maximise").asBoolean()).isTrue();
        assertThat(s.path("sampler").asText()).isEqualTo("random");
        assertThat(s.path("scheduler").asText()).isEqualTo("none");
        assertThat(s.path("trialsAsked").asInt()).isEqualTo(6);
        assertThat(s.path("epochBudget").asInt()).isZero();
        assertThat(Json.MAPPER.convertValue(s.path("byState"), Map.class)).isEqualTo(Map.of(
                "WAITING", 0, "RUNNING", 1, "COMPLETE", 2, "PRUNED", 1, "FAILED", 1));
        assertThat(s.path("finished").asInt()).isEqualTo(4);
        assertThat(s.path("epochs").asInt()).isEqualTo(2 + 1 + 3 + 0 + 1);
        assertThat(s.path("done").asBoolean()).isFalse();
        assertThat(s.path("best").path("trial").asInt()).isEqualTo(2);
        assertThat(s.path("best").path("value").asDouble()).isCloseTo(0.85, within(1e-12));
        assertThat(s.path("best").path("runId").asText()).isEqualTo("run-t2");
        Instant created = Instant.parse(s.path("createdAt").asText());
        assertThat(created).isBetween(Instant.now().minusSeconds(600), Instant.now());

        JsonNode loss = studies.get(0);
        assertThat(loss.path("maximise").asBoolean()).isFalse();
        assertThat(loss.path("done").asBoolean()).isTrue();
        assertThat(loss.path("best").path("trial").asInt()).as("lower is better for a loss").isEqualTo(1);
        assertThat(loss.path("best").path("value").asDouble()).isCloseTo(0.30, within(1e-12));
        assertThat(loss.path("best").path("runId").isNull()).isTrue();
    }

    @Test
    void oneStudyGivesItsSettingsEveryTrialWithItsReportsAndTheLeaderboard() throws Exception {
        HttpResponse<String> r = get("/api/v1/studies/lr-auc", cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = Json.tree(r.body());
        assertThat(s.path("name").asText()).isEqualTo("lr-auc");
        assertThat(s.path("byState").path("COMPLETE").asInt()).isEqualTo(2);
        assertThat(s.path("trialsAsked").asInt()).isEqualTo(6);
        assertThat(s.path("seed").asLong()).isEqualTo(11);
        assertThat(s.path("maxAttempts").asInt()).isEqualTo(2);
        assertThat(s.path("space").asText()).contains("learning_rate").contains("optimizer");
        assertThat(s.path("training").path("threads").asInt()).isEqualTo(1);
        assertThat(s.has("data")).isFalse();
        assertThat(s.has("out")).isFalse();
        assertThat(r.body()).as("no folder of the study").doesNotContain(dir.toString());

        List<Integer> leaderboard = new ArrayList<>();
        s.path("leaderboard").forEach(n -> leaderboard.add(n.asInt()));
        assertThat(leaderboard).as("COMPLETE best first, then PRUNED").containsExactly(2, 0, 1);

        JsonNode trials = s.path("trials");
        assertThat(trials).hasSize(5);
        List<Study.TrialView> truth = auc.trials();
        for (int i = 0; i < 5; i++) {
            JsonNode t = trials.get(i);
            assertThat(t.path("number").asInt()).isEqualTo(i);
            assertThat(t.path("params").path("learning_rate").asDouble())
                    .isEqualTo(((Number) truth.get(i).params().get("learning_rate")).doubleValue());
            assertThat(t.path("params").path("optimizer").asText()).isEqualTo(truth.get(i).params().get("optimizer"));
        }
        JsonNode t0 = trials.get(0);
        assertThat(t0.path("state").asText()).isEqualTo("COMPLETE");
        assertThat(t0.path("value").asDouble()).isCloseTo(0.80, within(1e-12));
        assertThat(t0.path("epochs").asInt()).isEqualTo(2);
        assertThat(t0.path("runId").asText()).isEqualTo("run-t0");
        assertThat(t0.path("attempts").asInt()).isEqualTo(1);
        assertThat(t0.path("reported").toString()).isEqualTo("[[1,0.7],[2,0.8]]");
        assertThat(Instant.parse(t0.path("startedAt").asText())).isBeforeOrEqualTo(Instant.parse(t0.path("endedAt").asText()));
        JsonNode t1 = trials.get(1);
        assertThat(t1.path("state").asText()).isEqualTo("PRUNED");
        assertThat(t1.path("message").asText()).isEqualTo("pruned after epoch 1");
        assertThat(t1.path("runId").isNull()).isTrue();
        assertThat(trials.get(2).path("reported").toString()).isEqualTo("[[1,0.75],[2,0.85],[3,0.83]]");
        JsonNode t3 = trials.get(3);
        assertThat(t3.path("state").asText()).isEqualTo("FAILED");
        assertThat(t3.path("value").isNull()).isTrue();
        assertThat(t3.path("message").asText()).contains("out of memory");
        assertThat(t3.path("reported")).isEmpty();
        JsonNode t4 = trials.get(4);
        assertThat(t4.path("state").asText()).isEqualTo("RUNNING");
        assertThat(t4.path("endedAt").isNull()).isTrue();
        assertThat(t4.path("reported").toString()).isEqualTo("[[1,0.5]]");
    }

    @Test
    void anUnknownStudyIs404WithAJsonError() throws Exception {
        for (String name : List.of("nope", "-bad", "x".repeat(200), "lr-auc.x")) {
            HttpResponse<String> r = get("/api/v1/studies/" + name, cookie);
            assertThat(r.statusCode()).as(name).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
            assertThat(Json.tree(r.body()).path("error").asText()).as(name).isNotBlank();
        }
        assertThat(Json.tree(get("/api/v1/studies/nope", cookie).body()).path("error").asText())
                .isEqualTo("no study called nope");
        JsonNode paths = Json.tree(get("/api/v1/openapi.json", cookie).body()).path("paths");
        assertThat(paths.has("/api/v1/studies")).isTrue();
        assertThat(paths.has("/api/v1/studies/{name}")).isTrue();
    }

    @Test
    void withoutALoginTheStudiesAre401() throws Exception {
        for (String path : List.of("/api/v1/studies", "/api/v1/studies/lr-auc")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).doesNotContain("learning_rate").doesNotContain("lr-auc");
            assertThat(Json.tree(r.body()).path("error").asText()).isNotBlank();
        }
        assertThat(get("/studies/lr-auc", null).statusCode()).as("the page sends to the login").isEqualTo(302);
    }

    @Test
    void theStudiesPagesAreShellsWithTheirScript() throws Exception {
        for (String path : List.of("/studies", "/studies/lr-auc")) {
            HttpResponse<String> page = get(path, cookie);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script src=\"/static/js/studies.js\"></script>")
                    .contains("<a href=\"/studies\" class=\"here\">Studies</a>").doesNotContain("<script>")
                    .doesNotContain("style=");
        }
        assertThat(get("/static/js/studies.js", cookie).statusCode()).isEqualTo(200);
    }

    static String logIn(String user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=" + PASSWORD.replace(" ", "+")))
                .build(), HttpResponse.BodyHandlers.ofString());
        String c = r.headers().allValues("set-cookie").stream().filter(h -> h.startsWith("hs_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session for " + user + ": " + r.statusCode()));
        return c.substring(0, c.indexOf(';'));
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (cookie != null) b.header("Cookie", cookie);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
