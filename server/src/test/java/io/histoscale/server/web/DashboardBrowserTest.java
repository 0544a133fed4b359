package io.histoscale.server.web;

import io.histoscale.cli.CliCommand;
import io.histoscale.cli.Main;
import io.histoscale.registry.Role;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.Users;
import io.histoscale.server.ServerConfig;
import io.histoscale.server.SlideLibrary;
import io.histoscale.server.WebServer;
import io.histoscale.server.auth.Passwords;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.staging.Agreement;
import io.histoscale.staging.StageTable;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium against a real server, registry, executor and slide reader: log in,
 * submit a training and watch it live, deep-zoom a slide, toggle a staged slide's heatmap, read the patients' stages,
 * and the security rules over HTTP. The screenshots the README shows are written to {@code docs/} here.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dir;
    static WebServer server;
    static Browser browser;
    static String store;
    static String researcher, viewer, stageRun;
    static Path work, cohort, trainStore, report;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed");
        store = System.getenv().getOrDefault(RunRegistry.STORE_ENV, dir.resolve("runs.db").toString());
        work = dir.resolve("work");
        cohort = work.resolve("cohort");
        cli("synth", "cohort", "--patients", "1", "--slides-per-patient", "5", "--size-mm", "3.8", "--mpp", "2.0",
                "--seed", "3", "--out", cohort.toString());
        // a slide that fails to open, beside the good ones
        Files.writeString(cohort.resolve("broken_node_0.tif"), "not a slide");
        trainStore = SyntheticPatches.builder().slides(4).perSlide(16).size(32).mpp(8.0).seed(2)
                .write(work.resolve("store"));
        Path model = work.resolve("model");
        cli("train", "--data", trainStore.toString(), "--model", "small", "--epochs", "1", "--batch", "8",
                "--val-fraction", "0", "--threads", "1", "--workers", "1", "--out", model.toString(), "--store", store);
        report = work.resolve("report");
        List<String> slides = new ArrayList<>();
        for (int n = 0; n < 5; n++) slides.add(cohort.resolve("patient_000_node_" + n + ".tif").toString());
        List<String> stage = new ArrayList<>(List.of("stage", "--model", model.toString(), "--out", report.toString(),
                "--truth", cohort.resolve("stage_labels.csv").toString(), "--threads", "2", "--readers", "1",
                "--store", store, "--slides"));
        stage.addAll(slides);
        cli(stage.toArray(String[]::new));
        stageRun = RunQueries.open(store).list(io.histoscale.registry.RunFilter.builder().optKind("stage").optLimit(1)
                .build()).get(0).id();

        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        researcher = "rita-" + suffix;
        viewer = "victor-" + suffix;
        Users users = Users.open(store);
        users.add(researcher, Role.RESEARCHER, Passwords.hash(PASSWORD.toCharArray()), false);
        users.add(viewer, Role.VIEWER, Passwords.hash(PASSWORD.toCharArray()), false);

        server = WebServer.start(ServerConfig.builder().optPort(0).setStore(store).addSlideRoot(cohort)
                .optWork(work).optCli(CliCommand.javaCommand()).build());
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) browser.close();
        } finally {
            if (server != null) server.close();
        }
    }

    static void cli(String... args) {
        int status = Main.execute(args);
        assertThat(status).as("histoscale " + String.join(" ", args)).isZero();
    }

    /** A wait whose failure says what the page showed. */
    static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        wait.withMessage(() -> "page " + browser.driver.getCurrentUrl() + " shows: "
                + browser.driver.findElement(By.tagName("body")).getText() + "\nsource: "
                + browser.driver.getPageSource().substring(0, Math.min(4000, browser.driver.getPageSource().length())));
        return wait;
    }

    static void logIn(String user) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.get(server.url() + "/login");
        browser.driver.findElement(By.id("user")).sendKeys(user);
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUpTo(10).until(d -> !d.getCurrentUrl().contains("/login"));
    }

    static Path docs(String name) {
        Path root = Path.of(System.getProperty("histoscale.root", "..")).toAbsolutePath().normalize();
        return root.resolve("docs").resolve(name);
    }

    @Test
    @Order(1)
    void aResearcherLogsInAndSeesTheRuns() {
        browser.driver.get(server.url() + "/runs");
        assertThat(browser.driver.getCurrentUrl()).contains("/login");
        logIn(researcher);
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#runs table, #runs p")).size() > 0);
        assertThat(browser.driver.findElement(By.id("user")).getText()).isEqualTo(researcher);
        assertThat(browser.driver.findElement(By.id("runs")).getText()).contains(stageRun);
    }

    @Test
    @Order(2)
    void aSubmittedTrainingShowsItsEpochsAndLossLiveUntilCompleted() {
        logIn(researcher);
        browser.driver.get(server.url() + "/submit?command=train");
        waitUpTo(15).until(d -> d.findElements(By.id("f-train-data")).size() > 0);
        // enough patches that each epoch outlasts the live stream's 1 s poll, on a loaded machine too
        Path liveStore = SyntheticPatches.builder().slides(4).perSlide(160).size(32).mpp(8.0).seed(3)
                .write(work.resolve("store-live"));
        browser.driver.findElement(By.id("f-train-data")).sendKeys(liveStore.toString());
        browser.driver.findElement(By.id("f-train-out")).sendKeys("web-run");
        browser.driver.findElement(By.id("f-train-epochs")).sendKeys("4");
        WebElement model = browser.driver.findElement(By.id("f-train-model"));
        if (model.getTagName().equals("select")) new Select(model).selectByValue("small");
        else model.sendKeys("small");
        new Select(browser.driver.findElement(By.id("executor"))).selectByValue("local");
        browser.driver.findElement(By.id("submit")).click();
        waitUpTo(60).until(d -> d.getCurrentUrl().matches(".*/runs/[A-Za-z0-9_-]+$"));
        String runId = browser.driver.getCurrentUrl().replaceFirst(".*/runs/", "");
        browser.js("window.hsSamePage = 'yes';");
        TreeSet<Integer> epochsSeen = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            String e = browser.driver.findElement(By.id("epoch")).getText();
            if (e.matches("\\d+")) epochsSeen.add(Integer.parseInt(e));
            status = browser.driver.findElement(By.id("status")).getText();
            if (status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED")) break;
            sleep(150);
        }
        assertThat(status).as("run " + runId + ": " + browser.driver.findElement(By.id("message")).getText())
                .isEqualTo("COMPLETED");
        // the counter moved through the epochs on one page: no reload happened
        assertThat(browser.js("return window.hsSamePage;")).isEqualTo("yes");
        assertThat(browser.driver.findElement(By.id("epoch")).getText()).isEqualTo("4");
        assertThat(epochsSeen).as("epochs seen while it ran").hasSizeGreaterThanOrEqualTo(2);
        assertThat(browser.driver.findElements(By.cssSelector("#plots canvas"))).isNotEmpty();
        Number points = (Number) browser.js("return document.querySelectorAll('#plot-0 .u-legend').length;");
        assertThat(points.intValue()).isPositive();
        assertThat(browser.driver.findElement(By.id("loss")).getText()).matches("\\d+\\.\\d+");
        browser.screenshot(docs("run-live.png"));
        Run run = RunQueries.open(store).get(runId);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.user()).isEqualTo(researcher);
        assertThat(run.kind()).isEqualTo("train");
    }

    @Test
    @Order(3)
    void zoomingIntoASlideLoadsNewTilesOntoANonBlankCanvas() {
        logIn(viewer);
        String id = new SlideLibrary(List.of(real(cohort))).idOf(cohort.resolve("patient_000_node_0.tif")).orElseThrow();
        browser.driver.get(server.url() + "/slides/view?slide=" + id);
        waitUpTo(30).until(d -> ((Number) browser.js("return window.hsViewer.tilesLoaded;")).intValue() > 0
                && Boolean.TRUE.equals(browser.js("return window.hsViewer.viewer.world.getItemAt(0).getFullyLoaded();")));
        int before = ((Number) browser.js("return window.hsViewer.tilesLoaded;")).intValue();
        browser.js("const v = window.hsViewer.viewer; v.viewport.zoomBy(6); v.viewport.applyConstraints(true);");
        waitUpTo(30).until(d -> ((Number) browser.js("return window.hsViewer.tilesLoaded;")).intValue() > before
                && Boolean.TRUE.equals(browser.js("return window.hsViewer.viewer.world.getItemAt(0).getFullyLoaded();")));
        assertThat(((Number) browser.js("return window.hsViewer.tilesLoaded;")).intValue()).isGreaterThan(before);
        assertThat(browser.js("return window.hsViewer.tilesFailed || 0;")).isEqualTo(0L);
        BufferedImage shot = browser.screenshot();
        WebElement canvas = browser.driver.findElement(By.cssSelector("#osd canvas"));
        assertThat(distinctColours(shot, canvas)).as("distinct colours on the canvas").isGreaterThan(50);
        assertThat(browser.driver.findElement(By.id("scale-text")).getText()).matches("\\d+(\\.\\d+)? (µm|mm)");
    }

    @Test
    @Order(4)
    void theHeatmapOfAStagedSlideCanBeToggledAndShowsItsColours() {
        logIn(viewer);
        String id = new SlideLibrary(List.of(real(cohort))).idOf(cohort.resolve(tumourSlide())).orElseThrow();
        browser.driver.get(server.url() + "/slides/view?slide=" + id + "&stage=" + stageRun);
        waitUpTo(30).until(d -> d.findElements(By.id("layer-heatmap")).size() > 0
                && Boolean.TRUE.equals(browser.js("return window.hsViewer.viewer.world.getItemAt(0).getFullyLoaded();")));
        WebElement canvas = browser.driver.findElement(By.cssSelector("#osd canvas"));
        BufferedImage off = browser.screenshot();
        browser.driver.findElement(By.id("layer-heatmap")).click();
        waitUpTo(20).until(d -> Boolean.TRUE.equals(browser.js("return window.hsViewer.items.heatmap.getFullyLoaded();")));
        sleep(800);
        BufferedImage on = browser.screenshot(docs("viewer-heatmap.png"));
        long changed = changedPixels(off, on, canvas);
        assertThat(changed).as("pixels the heatmap changed").isGreaterThan(2000);
        // where a heatmap cell is drawn, the screen moved towards that cell's colour
        double[] moved = towardsCells(id, off, on, canvas);
        assertThat(moved[0]).as("share of covered points that moved towards their cell's colour").isGreaterThan(0.5);
        assertThat(moved[0]).as("closer vs farther (%s)", moved[1]).isGreaterThan(4 * moved[1]);
        browser.driver.findElement(By.id("layer-heatmap")).click();
        sleep(800);
        assertThat(changedPixels(off, browser.screenshot(), canvas)).as("pixels still changed after turning it off")
                .isLessThan(changed / 10);
    }

    @Test
    @Order(5)
    void thePatientsPageShowsTheStagesAndKappaOfStagesCsv() {
        logIn(viewer);
        browser.driver.get(server.url() + "/patients?run=" + stageRun);
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("tr[data-patient]")).size() > 0);
        StageTable predicted = StageTable.read(report.resolve("stages.csv"));
        StageTable truth = StageTable.read(cohort.resolve("stage_labels.csv"));
        for (Map.Entry<String, PnStage> p : predicted.stages().entrySet()) {
            WebElement row = browser.driver.findElement(By.cssSelector("tr[data-patient='" + p.getKey() + "']"));
            assertThat(row.findElement(By.cssSelector("td.predicted")).getText()).isEqualTo(p.getValue().csvName());
            assertThat(row.findElement(By.cssSelector("td.truth")).getText())
                    .isEqualTo(truth.stages().get(p.getKey()).csvName());
            assertThat(row.findElements(By.cssSelector("table.slides tr"))).hasSize(5);
        }
        double kappa = Agreement.of(predicted, truth).kappa();
        assertThat(browser.driver.findElement(By.id("kappa")).getText())
                .isEqualTo(String.format(Locale.ROOT, "%.3f", kappa));
        assertThat(browser.driver.findElements(By.cssSelector("#stage-matrix td"))).isNotEmpty();
        // one click opens a slide at its largest lesion with the heatmap on
        browser.driver.findElement(By.cssSelector("a.open-slide")).click();
        waitUpTo(20).until(d -> d.findElements(By.id("layer-heatmap")).size() > 0);
        assertThat(browser.driver.findElement(By.id("layer-heatmap")).isSelected()).isTrue();
    }

    @Test
    @Order(6)
    void aSlideThatFailsToOpenSaysSoAndTheRestKeepsWorking() {
        logIn(viewer);
        String id = new SlideLibrary(List.of(real(cohort))).idOf(cohort.resolve("broken_node_0.tif")).orElseThrow();
        browser.driver.get(server.url() + "/slides/view?slide=" + id);
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#main .error")).size() > 0);
        assertThat(browser.driver.findElement(By.cssSelector("#main .error")).getText()).contains("broken_node_0.tif");
        browser.driver.get(server.url() + "/slides");
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("a.slide-link")).size() >= 6);
    }

    @Test
    @Order(7)
    void theClusterAndFederationPagesSayWhatThereIs() {
        logIn(viewer);
        browser.driver.get(server.url() + "/cluster");
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#cluster-problem, #main table")).size() > 0);
        io.histoscale.launch.SlurmCluster slurm = io.histoscale.launch.SlurmCluster.read();
        if (slurm.available()) {
            assertThat(browser.driver.findElement(By.id("main")).getText()).contains(slurm.partitions().get(0).get("partition"));
        } else {
            assertThat(browser.driver.findElement(By.id("cluster-problem")).getText()).isEqualTo(slurm.problem())
                    .contains("Slurm");
        }
        browser.driver.get(server.url() + "/federation");
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#main h2")).size() > 0);
        assertThat(browser.driver.findElements(By.cssSelector("#main .error"))).isEmpty();
    }

    // ---- the security rules, over plain HTTP ----

    static String session(String user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=" + PASSWORD.replace(" ", "+")))
                .build(), HttpResponse.BodyHandlers.ofString());
        String cookie = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("hs_session="))
                .findFirst().orElseThrow(() -> new AssertionError("no session for " + user + ": " + r.statusCode()));
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        return cookie.substring(0, cookie.indexOf(';'));
    }

    static String csrf(String cookie) throws Exception {
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/me"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        return io.histoscale.core.Json.tree(me.body()).path("csrfToken").asText();
    }

    static HttpResponse<String> post(String path, String cookie, String csrf, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Cookie", cookie)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(10)
    void aViewerCannotSubmitAndAPostWithoutTheCsrfTokenIsRefused() throws Exception {
        String job = "{\"command\":\"train\",\"values\":{\"--data\":\"" + trainStore + "\",\"--out\":\"never\"},"
                + "\"executor\":\"local\"}";
        String v = session(viewer);
        HttpResponse<String> asViewer = post("/api/v1/jobs", v, csrf(v), job);
        assertThat(asViewer.statusCode()).isEqualTo(403);
        assertThat(asViewer.body()).contains("researcher");
        String r = session(researcher);
        HttpResponse<String> noToken = post("/api/v1/jobs", r, null, job);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).containsIgnoringCase("csrf");
        HttpResponse<String> wrongToken = post("/api/v1/runs/" + stageRun + "/cancel", r, "forged", "{}");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(Files.exists(work.resolve("never"))).isFalse();
        assertThat(get("/api/v1/runs", "hs_session=nope").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(11)
    void aBadSubmissionGetsTheCommandLinesOwnMessage() throws Exception {
        String r = session(researcher);
        HttpResponse<String> bad = post("/api/v1/jobs", r, csrf(r), "{\"command\":\"train\",\"values\":{\"--data\":\""
                + trainStore + "\",\"--out\":\"bad-lr\",\"--lr\":\"-1\"},\"executor\":\"local\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(io.histoscale.core.Json.tree(bad.body()).path("error").asText()).startsWith("--lr -1.0:");
        HttpResponse<String> outside = post("/api/v1/jobs", r, csrf(r), "{\"command\":\"train\",\"values\":{\"--data\":"
                + "\"/etc\",\"--out\":\"x\"},\"executor\":\"local\"}");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(outside.body()).contains("outside");
    }

    @Test
    @Order(12)
    void traversalOnTheSlideAndTileEndpointsIsNotFound() throws Exception {
        String v = session(viewer);
        String good = new SlideLibrary(List.of(real(cohort))).idOf(cohort.resolve("patient_000_node_0.tif")).orElseThrow();
        assertThat(get("/api/v1/slides/" + good + "/tiles/0/0_0.jpeg", v).statusCode()).isEqualTo(200);
        Files.createSymbolicLink(cohort.resolve("escape.tif"), Path.of("/etc/hostname"));
        List<String> ids = List.of(SlideLibrary.idOf(0, "../work/store/manifest.json"), SlideLibrary.idOf(0, "/etc/passwd"),
                SlideLibrary.idOf(0, "escape.tif"), SlideLibrary.idOf(1, "patient_000_node_0.tif"),
                SlideLibrary.idOf(0, "annotations/../../work/model/run.json"), "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e",
                "..", "Li4vLi4v");
        for (String id : ids) {
            assertThat(get("/api/v1/slides/" + id, v).statusCode()).as(id).isEqualTo(404);
            assertThat(get("/api/v1/slides/" + id + "/dzi", v).statusCode()).as(id).isEqualTo(404);
            assertThat(get("/api/v1/slides/" + id + "/tiles/0/0_0.jpeg", v).statusCode()).as(id).isEqualTo(404);
        }
        assertThat(get("/api/v1/slides/" + good + "/tiles/99/0_0.jpeg", v).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/slides/" + good + "/tiles/0/0_0.jpeg/../../../../etc/passwd", v).statusCode())
                .isIn(404, 400);
        Files.delete(cohort.resolve("escape.tif"));
    }

    @Test
    @Order(99)
    void theSixthWrongPasswordInAMinuteIsThrottled() throws Exception {
        String user = "tina-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
        Users.open(store).add(user, Role.VIEWER, Passwords.hash(PASSWORD.toCharArray()), false);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=wrong" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        assertThat(statuses.subList(0, 5)).allSatisfy(s -> assertThat(s).isNotEqualTo(429).isNotEqualTo(302));
        assertThat(statuses.get(5)).isEqualTo(429);
        // even the right password waits now
        HttpResponse<String> right = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=" + PASSWORD.replace(" ", "+")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(429);
    }

    @Test
    @Order(14)
    void aRunWhoseFilesWereDeletedStillListsAndSaysWhatIsMissing() throws Exception {
        Path gone = Files.writeString(dir.resolve("gone.log"), "x");
        String id;
        try (RunRegistry registry = RunRegistry.open(store)) {
            id = registry.newRun("train").setCommand(List.of("train")).create();
            registry.submitted(id, "local", "0", gone.toString());
            registry.started(id, "test-host");
            registry.finished(id, RunStatus.COMPLETED, 0, null);
        }
        Files.delete(gone);
        String v = session(viewer);
        HttpResponse<String> list = get("/api/v1/runs?limit=1000", v);
        assertThat(list.body()).contains(id);
        HttpResponse<String> one = get("/api/v1/runs/" + id, v);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(io.histoscale.core.Json.tree(one.body()).path("missing").toString()).contains("gone.log")
                .contains("missing");
    }

    @Test
    @Order(15)
    void theApiIsDescribedByAnOpenApiDocument() throws Exception {
        String v = session(viewer);
        HttpResponse<String> doc = get("/api/v1/openapi.json", v);
        assertThat(doc.statusCode()).isEqualTo(200);
        var paths = io.histoscale.core.Json.tree(doc.body()).path("paths");
        for (String p : List.of("/api/v1/runs", "/api/v1/runs/{id}/events", "/api/v1/jobs", "/api/v1/slides/{id}/dzi",
                "/api/v1/stages/{run}", "/api/v1/federation", "/api/v1/cluster")) {
            assertThat(paths.has(p)).as(p).isTrue();
        }
    }

    // ---- helpers ----

    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The slide of the staged patient with the largest lesion (its heatmap has the most colour). */
    static String tumourSlide() {
        StageTable predicted = StageTable.read(report.resolve("stages.csv"));
        return predicted.slideLabels().entrySet().stream()
                .max(java.util.Comparator.comparing(e -> e.getValue().ordinal())).orElseThrow().getKey();
    }

    static int distinctColours(BufferedImage shot, WebElement area) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        var r = area.getRect();
        for (int y = Math.max(0, r.y); y < Math.min(shot.getHeight(), r.y + r.height); y += 3) {
            for (int x = Math.max(0, r.x); x < Math.min(shot.getWidth(), r.x + r.width); x += 3) {
                colours.add(shot.getRGB(x, y) & 0xf8f8f8);
            }
        }
        return colours.size();
    }

    /** Pixels (every second in each direction) whose colour differs by more than 40 in some channel. */
    static long changedPixels(BufferedImage a, BufferedImage b, WebElement area) {
        var r = area.getRect();
        long n = 0;
        for (int y = Math.max(0, r.y); y < Math.min(a.getHeight(), r.y + r.height); y += 2) {
            for (int x = Math.max(0, r.x); x < Math.min(a.getWidth(), r.x + r.width); x += 2) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                int d = Math.max(Math.abs((p >> 16 & 255) - (q >> 16 & 255)), Math.max(Math.abs((p >> 8 & 255)
                        - (q >> 8 & 255)), Math.abs((p & 255) - (q & 255))));
                if (d > 40) n++;
            }
        }
        return n;
    }

    /**
     * Samples the viewer every 12 screen pixels, finds (through the viewer's own transform) which heatmap cell each
     * point shows, and returns the share of points over a drawn cell whose colour got closer to that cell's colour
     * when the heatmap was turned on, and the share that got farther.
     */
    @SuppressWarnings("unchecked")
    static double[] towardsCells(String slideId, BufferedImage off, BufferedImage on, WebElement canvas) {
        try {
            String cookie = session(viewer);
            var overlays = io.histoscale.core.Json.tree(get("/api/v1/slides/" + slideId + "/overlays?stage=" + stageRun,
                    cookie).body()).path("heatmap");
            HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/slides/"
                    + slideId + "/overlays/heatmap.png?stage=" + stageRun)).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            BufferedImage heat = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
            var r = canvas.getRect();
            List<List<Integer>> points = new ArrayList<>();
            for (int y = r.y + 6; y < r.y + r.height; y += 12) {
                for (int x = r.x + 6; x < r.x + r.width; x += 12) points.add(List.of(x, y));
            }
            List<List<Number>> image = (List<List<Number>>) browser.js("const v = window.hsViewer.viewer; "
                    + "return arguments[0].map(p => { const q = v.viewport.windowToImageCoordinates("
                    + "new OpenSeadragon.Point(p[0], p[1])); return [q.x, q.y]; });", points);
            double hx = overlays.path("x").asDouble(), hy = overlays.path("y").asDouble();
            double hw = overlays.path("width").asDouble(), hh = overlays.path("height").asDouble();
            long covered = 0, closer = 0, farther = 0;
            for (int i = 0; i < points.size(); i++) {
                double ix = image.get(i).get(0).doubleValue(), iy = image.get(i).get(1).doubleValue();
                int px = (int) ((ix - hx) / hw * heat.getWidth()), py = (int) ((iy - hy) / hh * heat.getHeight());
                if (px < 0 || py < 0 || px >= heat.getWidth() || py >= heat.getHeight()) continue;
                int cell = heat.getRGB(px, py);
                if ((cell >>> 24) == 0) continue;
                int sx = points.get(i).get(0), sy = points.get(i).get(1);
                int before = off.getRGB(sx, sy), after = on.getRGB(sx, sy);
                double was = rgbDistance(before, cell), now = rgbDistance(after, cell);
                if (was < 30) continue; // the screen already had the cell's colour
                covered++;
                if (now < was - 5) closer++;
                if (now > was + 5) farther++;
            }
            assertThat(covered).as("sampled points over drawn heatmap cells").isGreaterThan(100);
            return new double[]{(double) closer / covered, (double) farther / covered};
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static double rgbDistance(int a, int b) {
        double d = 0;
        for (int shift = 0; shift <= 16; shift += 8) d += Math.pow((a >> shift & 255) - (b >> shift & 255), 2);
        return Math.sqrt(d);
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
