package io.histoscale.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** pki, federate and its audit as a user meets them: files, exit codes, one-line errors. */
class FederateCommandTest {
    @TempDir
    Path dir;

    @Test
    void pkiInitIssueAndClearErrors() {
        Path pki = dir.resolve("pki");
        assertThat(CliTest.run("pki", "init", "--pki", pki.toString()).status()).isZero();
        assertThat(CliTest.run("pki", "issue", "--pki", pki.toString(), "--name", "hospital-a,coordinator").status())
                .isZero();
        assertThat(pki.resolve("hospital-a.crt")).exists();
        assertThat(pki.resolve("coordinator.key")).exists();
        CliTest.Run again = CliTest.run("pki", "init", "--pki", pki.toString());
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).startsWith("histoscale: error:").contains("already holds");
        CliTest.Run noCa = CliTest.run("pki", "issue", "--pki", dir.resolve("none").toString(), "--name", "x");
        assertThat(noCa.status()).isEqualTo(2);
        assertThat(noCa.err()).contains("pki init");
    }

    @Test
    void badPlansAndMissingLogsAreUserErrors() throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "strategy: fedsgd\nsites: [a]\n");
        CliTest.Run bad = CliTest.run("federate", "--plan", plan.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("fedsgd").doesNotContain("\tat ");
        Files.writeString(plan, "strategy: fedavg\nsites: [a]\nrounds: 2\ncolour: blue\n");
        CliTest.Run unknown = CliTest.run("federate", "--plan", plan.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("colour");
        CliTest.Run missing = CliTest.run("federate", "audit", dir.resolve("nowhere.jsonl").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("nowhere.jsonl");
    }
}
