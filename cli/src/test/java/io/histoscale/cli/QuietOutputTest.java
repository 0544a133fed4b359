package io.histoscale.cli;

import io.histoscale.core.Hashing;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches a user's stderr when it is a pipe (a log, a CI job, {@code 2>&1 | tee}): nothing but HistoScale's own
 * lines. Runs the CLI as its own process, as a user does, because libtorch writes its warnings straight to file
 * descriptor 2, past anything Java could filter.
 */
class QuietOutputTest {

    @TempDir
    Path dir;

    record Output(int status, String out, String err) {
    }

    private Output histoscale(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(ExecutorLaunch.javaCommand());
        command.addAll(1, jvmOptions);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Output(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void trainAndEvaluateIntoPipesPrintNothingButTheirOwnLines() throws Exception {
        Path store = SyntheticPatches.builder().slides(4).perSlide(16).size(32).write(dir.resolve("store"));
        String registry = dir.resolve("runs.db").toString();
        Output train = histoscale(List.of(), "train", "--data", store.toString(), "--out", dir.resolve("run").toString(),
                "--model", "small", "--epochs", "2", "--batch", "8", "--threads", "2", "--workers", "1",
                "--store", registry);
        assertThat(train.status()).as(train.err()).isZero();
        assertThat(train.out()).contains("epoch 2/2");
        // no libtorch warnings (AutoNonVariableTypeMode, NNPACK), no DJL GPU probing, no progress-bar redraws
        assertThat(train.err()).isEmpty();

        Output evaluate = histoscale(List.of(), "evaluate", "--model", dir.resolve("run").toString(), "--data",
                store.toString(), "--threads", "2");
        assertThat(evaluate.status()).as(evaluate.err()).isZero();
        assertThat(evaluate.err()).isEmpty();

        Output failed = histoscale(List.of(), "train", "--data", store.toString(), "--out",
                dir.resolve("run").toString(), "--store", registry);
        assertThat(failed.status()).isEqualTo(2);
        assertThat(failed.err()).startsWith("histoscale: error: ").doesNotContain("\r").hasLineCount(1);
    }

    @Test
    void auditingALogWithoutModelTransfersDoesNotStartPyTorch() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        String previous = "0".repeat(64);
        StringBuilder text = new StringBuilder();
        String[] types = {"hello", "result"};
        for (int i = 0; i < types.length; i++) {
            String line = "{\"seq\":" + (i + 1) + ",\"time\":\"2026-01-01T00:00:0" + i + "Z\",\"from\":\"a\","
                    + "\"to\":\"coordinator\",\"type\":\"" + types[i] + "\",\"bytes\":60,\"sha256\":\"x\","
                    + "\"prev\":\"" + previous + "\"}";
            text.append(line).append('\n');
            previous = Hashing.sha256Hex(line.getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(log, text);
        Path classes = dir.resolve("classes.log");
        Output audit = histoscale(List.of("-Xlog:class+load=info:file=" + classes), "federate", "audit", log.toString());
        assertThat(audit.status()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out()).contains("CLEAN");
        assertThat(audit.err()).isEmpty();
        assertThat(Files.readString(classes)).contains("io.histoscale.federation.audit.AuditCheck")
                .doesNotContain("ai.djl.pytorch.jni.JniUtils");
    }
}
