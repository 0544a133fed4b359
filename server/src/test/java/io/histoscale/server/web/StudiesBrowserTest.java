package io.histoscale.server.web;

import io.histoscale.registry.Role;
import io.histoscale.registry.Studies;
import io.histoscale.registry.Users;
import io.histoscale.search.TrialState;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;
import io.histoscale.server.ServerConfig;
import io.histoscale.server.WebServer;
import io.histoscale.server.api.StudyFixture;
import io.histoscale.server.auth.Passwords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Studies pages in headless Chromium against a real server and registry holding studies made through the search
 * protocol ({@link StudyFixture}): the list, one study's summary, charts, leaderboard and links to the trials' runs,
 * and text from the registry shown as text.
 */
@Tag("browser")
class StudiesBrowserTest {

    static final String PASSWORD = "correct horse battery";
    static final String HOSTILE = "<img src=x id=pwned onerror=\"document.title='pwned'\">";

    @TempDir
    static Path dir;
    static WebServer server;
    static Browser browser;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed");
        String store = dir.resolve("runs.db").toString();
        StudyFixture.aucStudy(store, "lr-auc", dir);
        StudyFixture.lossStudy(store, "loss.small", dir);
        Study odd = Study.create(Studies.open(store), StudyFixture.config("odd", "val_auc", 1, dir));
        WorkerId w = WorkerId.current(2);
        int n = ((Study.Claim.Trial) odd.claim(w)).ticket().number();
        odd.finish(n, w, TrialState.FAILED, null, 0, HOSTILE);
        Users.open(store).add("vera", Role.VIEWER, Passwords.hash(PASSWORD.toCharArray()), false);
        server = WebServer.start(ServerConfig.builder().optPort(0).setStore(store).optWork(dir.resolve("work")).build());
        browser = new Browser();
        browser.driver.get(server.url() + "/login");
        browser.driver.findElement(By.id("user")).sendKeys("vera");
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUpTo(10).until(d -> !d.getCurrentUrl().contains("/login"));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) browser.close();
        } finally {
            if (server != null) server.close();
        }
    }

    static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        wait.withMessage(() -> "page " + browser.driver.getCurrentUrl() + " shows: "
                + browser.driver.findElement(By.tagName("body")).getText());
        return wait;
    }

    @Test
    void theListShowsEveryStudyAndOpensOneWithItsChartsAndLeaderboard() {
        browser.driver.get(server.url() + "/studies");
        waitUpTo(15).until(d -> d.findElements(By.cssSelector("tr[data-study]")).size() == 3);
        WebElement row = browser.driver.findElement(By.cssSelector("tr[data-study='lr-auc']"));
        assertThat(row.getText()).contains("val_auc ↑").contains("random").contains("4/6").contains("0.8500 (trial 2)");
        assertThat(browser.driver.findElement(By.cssSelector("tr[data-study='loss.small']")).getText())
                .contains("val_loss ↓").contains("0.3000 (trial 1)").contains("(done)");

        row.findElement(By.cssSelector("a.study-link")).click();
        waitUpTo(15).until(d -> d.findElements(By.cssSelector("#leaderboard tbody tr")).size() == 3);
        assertThat(browser.driver.getCurrentUrl()).endsWith("/studies/lr-auc");
        assertThat(browser.driver.findElement(By.id("summary")).getText())
                .contains("4/6 trials ended (2 complete, 1 pruned, 1 failed), 1 running, 0 waiting")
                .contains("7 epochs").contains("best val_auc 0.8500 (trial 2)");
        List<String> ranked = browser.driver.findElements(By.cssSelector("#leaderboard tbody tr")).stream()
                .map(r -> r.getAttribute("data-trial")).toList();
        assertThat(ranked).containsExactly("2", "0", "1");
        WebElement first = browser.driver.findElement(By.cssSelector("#leaderboard tbody tr a.run-link"));
        assertThat(first.getAttribute("href")).isEqualTo(server.url() + "/runs/run-t2");
        assertThat(browser.driver.findElements(By.cssSelector("#trials tbody tr"))).hasSize(5);
        assertThat(browser.driver.findElements(By.cssSelector("#history-plot canvas"))).isNotEmpty();
        assertThat(browser.driver.findElement(By.id("history-plot")).getText()).contains("pruned").contains("best so far");
        assertThat(browser.driver.findElements(By.cssSelector("#curves-plot canvas"))).isNotEmpty();
        assertThat(browser.driver.findElement(By.id("curves-plot")).getText()).contains("trial 2").contains("trial 1 (pruned)");
        assertThat(browser.driver.findElements(By.cssSelector("#main .error"))).isEmpty();
    }

    @Test
    void textFromTheRegistryIsShownAsTextAndAnUnknownStudySaysSo() {
        browser.driver.get(server.url() + "/studies/odd");
        waitUpTo(15).until(d -> d.findElements(By.cssSelector("#trials tbody tr")).size() == 1);
        assertThat(browser.driver.findElement(By.cssSelector("#trials tbody tr")).getText()).contains(HOSTILE);
        assertThat(browser.driver.findElements(By.id("pwned"))).isEmpty();
        assertThat(browser.driver.getTitle()).isNotEqualTo("pwned");
        assertThat(browser.driver.findElement(By.id("summary")).getText()).contains("no complete trial yet");

        browser.driver.get(server.url() + "/studies/nope");
        waitUpTo(15).until(d -> d.findElements(By.cssSelector("#main .error")).size() > 0);
        assertThat(browser.driver.findElement(By.cssSelector("#main .error")).getText()).isEqualTo("no study called nope");
    }
}
