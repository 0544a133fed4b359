package io.histoscale.search.study;

import io.histoscale.registry.Studies;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.TrialState;
import io.histoscale.search.worker.TrialRunner;
import io.histoscale.search.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The study protocol on a real SQLite registry: the trials are a closed-form objective (a quadratic in the learning
 * rate, reported per "epoch") so that the protocol, not training, is what is measured.
 */
class StudyTest {

    static final String SPACE = """
            learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
            optimizer: {type: categorical, choices: [adam, sgd]}
            momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [sgd]}}
            epochs: 9
            """;

    @TempDir
    Path dir;

    SearchConfig config(String name, int trials, String scheduler) {
        return new SearchConfig(name, SPACE, dir.resolve("data").toString(), dir.resolve("out").toString(), "val_auc",
                "random", Map.of(), scheduler, Map.of(), trials, 7, Map.of(), 2.0, 2, 0);
    }

    /** AUC rises with the epochs towards a ceiling set by how far log10(lr) is from -2.5. */
    static final TrialRunner QUADRATIC = trial -> {
        double lr = ((Number) trial.params().get("learning_rate")).doubleValue();
        double ceiling = 0.95 - 0.05 * Math.pow(Math.log10(lr) + 2.5, 2);
        int epochs = 0;
        double value = 0;
        for (int e = 1; e <= 9; e++) {
            value = ceiling * (1 - Math.pow(0.6, e));
            epochs = e;
            if (!trial.report(e, value) && e < 9) {
                return new TrialRunner.Outcome(TrialState.PRUNED, value, epochs, "pruned");
            }
        }
        return new TrialRunner.Outcome(TrialState.COMPLETE, value, epochs, null);
    };

    @Test
    void fourWorkersOnTwoOpenStudiesHandOutEveryTrialOnceAndStopAtTheCount() throws Exception {
        Studies store = Studies.open(dir.resolve("runs.db").toString());
        Study.create(store, config("s", 24, "asha"));
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        TrialRunner counting = trial -> {
            handled.add(trial.number());
            return QUADRATIC.run(trial);
        };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int slot = w;
            // each worker opens the study itself, as a process on another node would
            Study mine = Study.open(Studies.open(dir.resolve("runs.db").toString()), "s");
            done.add(pool.submit(() -> new Worker(mine, counting, WorkerId.current(slot), line -> { }).run()));
        }
        int total = 0;
        for (Future<Integer> f : done) total += f.get();
        pool.shutdown();

        assertThat(total).isEqualTo(24);
        assertThat(handled).hasSize(24).doesNotHaveDuplicates();
        List<Study.TrialView> trials = Study.open(store, "s").trials();
        assertThat(trials).extracting(Study.TrialView::number).containsExactlyElementsOf(range(24));
        assertThat(trials).allMatch(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED);
        long pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).count();
        assertThat(pruned).as("ASHA (eta 3) stops most trials at a rung").isGreaterThanOrEqualTo(8);
        assertThat(trials.stream().filter(t -> t.state() == TrialState.PRUNED).mapToInt(Study.TrialView::epochs))
                .allMatch(e -> e == 1 || e == 3);
        // the best is a COMPLETE trial with the highest value
        Study.TrialView best = Study.open(store, "s").best().orElseThrow();
        assertThat(best.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(trials.stream().filter(t -> t.state() == TrialState.COMPLETE).mapToDouble(Study.TrialView::value).max()
                .orElseThrow()).isEqualTo(best.value());
    }

    @Test
    void aTrialWhoseWorkerFellSilentIsHandedBackThenFailedAfterItsAttempts() throws Exception {
        Studies store = Studies.open(dir.resolve("runs.db").toString());
        Study study = Study.create(store, config("hb", 2, "none"));
        WorkerId silent = new WorkerId("elsewhere", 1, 0); // another host: only its heartbeat tells
        Study.Claim first = study.claim(silent);
        int number = ((Study.Claim.Trial) first).ticket().number();
        assertThat(study.claim(WorkerId.current(1))).as("the next one is new").isInstanceOf(Study.Claim.Trial.class);
        assertThat(study.claim(WorkerId.current(2))).as("both handed out, both running").isInstanceOf(Study.Claim.Wait.class);

        Thread.sleep(2300); // > heartbeat 2 s
        Study.Claim again = study.claim(WorkerId.current(2));
        assertThat(again).isInstanceOf(Study.Claim.Trial.class);
        Study.Ticket t = ((Study.Claim.Trial) again).ticket();
        assertThat(t.number()).isEqualTo(number);
        assertThat(t.attempt()).isEqualTo(2);
        assertThat(study.report(number, silent, 1, 0.5)).as("the old worker lost it").isFalse();
        assertThat(study.finish(number, silent, TrialState.COMPLETE, 0.9, 9, null)).isFalse();

        Thread.sleep(2300); // its second holder falls silent too: max_attempts 2 reached
        study.claim(WorkerId.current(3));
        Study.TrialView failed = study.trials().get(number);
        assertThat(failed.state()).isEqualTo(TrialState.FAILED);
        assertThat(failed.message()).contains("stopped answering 2 times");
    }

    @Test
    void aCrashingTrialIsFailedAndTheStudyGoesOn() {
        Studies store = Studies.open(dir.resolve("runs.db").toString());
        Study study = Study.create(store, config("crash", 5, "none"));
        TrialRunner crashOnTwo = trial -> {
            if (trial.number() == 2) throw new IllegalStateException("out of memory in trial 2");
            return QUADRATIC.run(trial);
        };
        int done = new Worker(study, crashOnTwo, WorkerId.current(0), line -> { }).run();
        assertThat(done).isEqualTo(5);
        List<Study.TrialView> trials = study.trials();
        assertThat(trials.get(2).state()).isEqualTo(TrialState.FAILED);
        assertThat(trials.get(2).message()).isEqualTo("IllegalStateException: out of memory in trial 2");
        assertThat(trials).filteredOn(t -> t.number() != 2).allMatch(t -> t.state() == TrialState.COMPLETE);
    }

    @Test
    void theSameNameWithOtherSettingsIsRefusedAndNothingChanges() {
        Studies store = Studies.open(dir.resolve("runs.db").toString());
        Study.create(store, config("same", 5, "none"));
        Study.create(store, config("same", 5, "none")); // the same settings: opened
        assertThatThrownBy(() -> Study.create(store, config("same", 6, "none")))
                .hasMessageContaining("same exists").hasMessageContaining("search resume same");
        assertThat(Study.open(store, "same").config().trials()).isEqualTo(5);
        assertThatThrownBy(() -> Study.open(store, "nope")).hasMessageContaining("no study called nope");
    }

    static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(i);
        return all;
    }
}
