package io.histoscale.server.api;

import io.histoscale.registry.Studies;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.TrialState;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;

import java.nio.file.Path;
import java.util.Map;

/**
 * Studies made in a real registry through the search module's own protocol (claim, attach a run, report, finish), with
 * made-up values, so the dashboard reads what a search writes without any training.
 */
public final class StudyFixture {

    public static final String SPACE = """
            learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
            optimizer: {type: categorical, choices: [adam, sgd]}
            epochs: 3
            """;

    private StudyFixture() {
    }

    public static SearchConfig config(String name, String metric, int trials, Path dir) {
        return new SearchConfig(name, SPACE, dir.resolve("data").toString(), dir.resolve("out").toString(), metric,
                "random", Map.of(), "none", Map.of(), trials, 11, Map.of("threads", 1), 600.0, 2, 0);
    }

    /**
     * Study {@code name} (val_auc, 6 trials asked, 5 handed out): trial 0 COMPLETE 0.80 after 2 epochs (run
     * {@code run-t0}), trial 1 PRUNED 0.60 after 1, trial 2 COMPLETE 0.85 after 3 (run {@code run-t2}), trial 3
     * FAILED ("out of memory"), trial 4 RUNNING with one report of 0.5. 7 epochs in all.
     */
    public static Study aucStudy(String store, String name, Path dir) {
        Study study = Study.create(Studies.open(store), config(name, "val_auc", 6, dir));
        WorkerId w = WorkerId.current(0);
        int t0 = claim(study, w);
        study.attachRun(t0, w, "run-t0");
        study.report(t0, w, 1, 0.70);
        study.report(t0, w, 2, 0.80);
        study.finish(t0, w, TrialState.COMPLETE, 0.80, 2, null);
        int t1 = claim(study, w);
        study.report(t1, w, 1, 0.60);
        study.finish(t1, w, TrialState.PRUNED, 0.60, 1, "pruned after epoch 1");
        int t2 = claim(study, w);
        study.attachRun(t2, w, "run-t2");
        study.report(t2, w, 1, 0.75);
        study.report(t2, w, 2, 0.85);
        study.report(t2, w, 3, 0.83);
        study.finish(t2, w, TrialState.COMPLETE, 0.85, 3, null);
        int t3 = claim(study, w);
        study.finish(t3, w, TrialState.FAILED, null, 0, "IllegalStateException: out of memory");
        int t4 = claim(study, w);
        study.report(t4, w, 1, 0.50);
        return study;
    }

    /** Study {@code name} on val_loss (lower is better): trial 0 COMPLETE 0.40, trial 1 COMPLETE 0.30. */
    public static Study lossStudy(String store, String name, Path dir) {
        Study study = Study.create(Studies.open(store), config(name, "val_loss", 2, dir));
        WorkerId w = WorkerId.current(1);
        for (double v : new double[]{0.40, 0.30}) {
            int t = claim(study, w);
            study.report(t, w, 1, v + 0.1);
            study.report(t, w, 2, v);
            study.finish(t, w, TrialState.COMPLETE, v, 2, null);
        }
        return study;
    }

    private static int claim(Study study, WorkerId w) {
        if (!(study.claim(w) instanceof Study.Claim.Trial t)) throw new IllegalStateException("no trial to claim");
        return t.ticket().number();
    }
}
