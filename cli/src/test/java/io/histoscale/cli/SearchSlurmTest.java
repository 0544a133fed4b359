package io.histoscale.cli;

import io.histoscale.registry.Studies;
import io.histoscale.search.study.WorkerId;
import io.histoscale.testkit.LocalSlurm;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Two search workers as jobs of the project's real one-node Slurm cluster share one study. */
@Tag("slurm")
class SearchSlurmTest {

    @TempDir
    static Path shared;

    private static LocalSlurm slurm;

    @BeforeAll
    static void cluster() throws IOException {
        if (LocalSlurm.whyUnavailable() == null) slurm = LocalSlurm.start();
        System.setProperty("histoscale.classpath", FrozenClasspath.copy(shared));
    }

    @AfterAll
    static void stop() {
        System.clearProperty("histoscale.classpath");
        if (slurm != null) slurm.close();
    }

    @Test
    void twoWorkerJobsPullTrialsFromOneStudyWithoutCollisions() throws Exception {
        Assumptions.assumeTrue(slurm != null, LocalSlurm.whyUnavailable());
        Path store = SyntheticPatches.builder().slides(4).perSlide(16).size(24).seed(8).write(shared.resolve("store"));
        Path space = Files.writeString(shared.resolve("space.yaml"), """
                learning_rate: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
                model: small
                epochs: 3
                batch_size: 8
                warmup_epochs: 0
                patience: 0
                """);
        Path registry = shared.resolve("runs.db");
        CliTest.Run run = CliTest.run("search", "run", "--space", space.toString(), "--data", store.toString(),
                "--study", "slurm", "--trials", "6", "--sampler", "random", "--scheduler", "none", "--store",
                registry.toString(), "--out", shared.resolve("trials").toString(), "--set", "threads=1", "--set",
                "val_fraction=0.5", "--set", "group_by=slide", "--executor", "slurm", "--workers", "2", "--cpus", "1");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("2 worker(s) as slurm job").contains("study slurm: 6/6 trials ended (6 complete");

        List<Studies.Trial> trials = Studies.open(registry.toString()).trials("slurm");
        assertThat(trials).extracting(Studies.Trial::number).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(trials).allMatch(t -> t.state().equals("COMPLETE") && t.attempts() == 1);
        Set<Long> workers = trials.stream().map(t -> WorkerId.parse(t.worker()).orElseThrow().pid())
                .collect(Collectors.toSet());
        assertThat(workers).as("both jobs trained trials").hasSize(2);
        assertThat(workers).doesNotContain(ProcessHandle.current().pid());
        assertThat(trials.stream().map(Studies.Trial::runId).distinct()).hasSize(6);
    }
}
