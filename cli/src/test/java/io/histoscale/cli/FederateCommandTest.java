package io.histoscale.cli;

import io.histoscale.federation.audit.AuditLog;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
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
        assertThat(CliTest.run("pki", "issue", "--pki", pki.toString(), "--name", "hospital-a", "--role", "site").status())
                .isZero();
        assertThat(CliTest.run("pki", "issue", "--pki", pki.toString(), "--name", "coordinator", "--role",
                "coordinator", "--host", "127.0.0.1").status()).isZero();
        assertThat(pki.resolve("hospital-a.crt")).exists();
        assertThat(pki.resolve("coordinator.key")).exists();
        CliTest.Run again = CliTest.run("pki", "init", "--pki", pki.toString());
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).startsWith("histoscale: error:").contains("already holds");
        CliTest.Run noCa = CliTest.run("pki", "issue", "--pki", dir.resolve("none").toString(), "--name", "x",
                "--role", "site");
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

    @Test
    void auditChecksThePeersALogNamesAgainstThePlan() throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "strategy: fedavg\nsites: [hospital-a, hospital-b]\n"
                + "rounds: 1\nname: coordinator\n");
        // hospital-a joined hospital-b, which posed as the coordinator
        Path forged = log("forged.jsonl", "hospital-b", "hospital-b");
        CliTest.Run withPlan = CliTest.run("federate", "audit", "--plan", plan.toString(), forged.toString());
        assertThat(withPlan.status()).as(withPlan.out() + withPlan.err()).isEqualTo(1);
        assertThat(withPlan.out()).contains("PROBLEM").contains("hospital-b").doesNotContain("CLEAN");
        // without a plan, one coordinator throughout: a log naming two is not clean
        Path two = log("two.jsonl", "coordinator", "hospital-b");
        CliTest.Run noPlan = CliTest.run("federate", "audit", two.toString());
        assertThat(noPlan.status()).as(noPlan.out() + noPlan.err()).isEqualTo(1);
        assertThat(noPlan.out()).contains("PROBLEM").contains("coordinator").contains("hospital-b");
        // a log of the plan's coordinator is clean, and the audit says whom it saw
        Path good = log("good.jsonl", "coordinator", "coordinator");
        CliTest.Run clean = CliTest.run("federate", "audit", "--plan", plan.toString(), good.toString());
        assertThat(clean.status()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("CLEAN").contains("coordinator");
    }

    /** A site's audit log of hospital-a: a hello and a result, to the receivers given. */
    private Path log(String file, String helloTo, String resultTo) {
        Path path = dir.resolve(file);
        try (AuditLog log = AuditLog.open(path, "hospital-a")) {
            log.sent(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(10)).build(), helloTo, null);
            log.sent(SiteMessage.newBuilder().setResult(Result.newBuilder().setRound(1).setSamples(10)).build(),
                    resultTo, null);
        }
        return path;
    }

    @Test
    void portsOutOfRangeAreOneKeyedErrorBeforeAnythingStarts() throws Exception {
        String data = dir.resolve("no-data").toString();
        String pki = dir.resolve("no-pki").toString();
        CliTest.Run zero = CliTest.run("site", "--data", data, "--name", "hospital-a", "--coordinator",
                "127.0.0.1:0", "--pki", pki, "--reconnect-seconds", "1");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err().strip()).startsWith("histoscale: error: --coordinator 127.0.0.1:0").contains("port")
                .doesNotContain("\n").doesNotContain("cannot reach");
        CliTest.Run high = CliTest.run("site", "--data", data, "--name", "hospital-a", "--coordinator",
                "127.0.0.1:70000", "--pki", pki);
        assertThat(high.status()).isEqualTo(2);
        assertThat(high.err().strip()).startsWith("histoscale: error: --coordinator 127.0.0.1:70000").contains("65535")
                .doesNotContain("\n");
        CliTest.Run peer = CliTest.run("site", "--data", data, "--name", "hospital-a", "--coordinator",
                "127.0.0.1:7443", "--pki", pki, "--peer-port", "70000");
        assertThat(peer.status()).isEqualTo(2);
        assertThat(peer.err().strip()).startsWith("histoscale: error: --peer-port 70000").contains("65535")
                .doesNotContain("\n");
        // a plan's listen address is checked with the plan, before the PKI or anything else is opened
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "strategy: fedavg\nsites: [a]\nrounds: 1\n"
                + "listen: 127.0.0.1:70000\npki: no-pki\n");
        CliTest.Run listen = CliTest.run("federate", "--plan", plan.toString());
        assertThat(listen.status()).isEqualTo(2);
        assertThat(listen.err().strip()).startsWith("histoscale: error: listen 127.0.0.1:70000").contains("65535")
                .doesNotContain("\n");
    }
}
