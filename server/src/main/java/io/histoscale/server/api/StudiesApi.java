package io.histoscale.server.api;

import io.histoscale.registry.Studies;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.StudySummary;
import io.histoscale.search.TrialState;
import io.histoscale.search.study.Study;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/studies}: the model-search studies of the registry, each with its trials by state, epochs spent and
 * best trial; for one study, its settings and every trial with its parameters, value, run and the values it reported
 * by epoch, and the leaderboard. Read only; the study's data and output folders are not shown (its trials' runs name
 * theirs).
 */
public final class StudiesApi {

    private final Studies studies;

    public StudiesApi(String store) {
        this.studies = Studies.open(store);
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/studies", ctx -> ctx.json(Map.of("studies", list())));
        config.routes.get("/api/v1/studies/{name}", this::one);
    }

    private List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Studies.Study s : studies.list()) {
            Map<String, Object> m;
            try {
                m = summary(s, StudySummary.of(Study.open(studies, s.name())));
            } catch (RuntimeException e) {
                // a study this server cannot read (settings of a newer version): listed, and said why
                m = new LinkedHashMap<>();
                m.put("name", s.name());
                m.put("createdAt", string(s.createdAt()));
                m.put("problem", e.getMessage());
            }
            out.add(m);
        }
        return out;
    }

    private void one(Context ctx) {
        String name = ctx.pathParam("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) throw new NotFoundResponse("no study called " + name);
        Studies.Study s = studies.study(name).orElseThrow(() -> new NotFoundResponse("no study called " + name));
        StudySummary summary = StudySummary.of(Study.open(studies, s.name()));
        SearchConfig c = summary.config();
        Map<String, Object> m = summary(s, summary);
        m.put("samplerSettings", c.samplerSettings());
        m.put("schedulerSettings", c.schedulerSettings());
        m.put("seed", c.seed());
        m.put("maxAttempts", c.maxAttempts());
        m.put("heartbeatSeconds", c.heartbeatSeconds());
        m.put("space", c.space());
        m.put("training", c.training());
        m.put("leaderboard", summary.leaderboard().stream().map(Study.TrialView::number).toList());
        m.put("trials", summary.trials().stream().map(StudiesApi::trial).toList());
        ctx.json(m);
    }

    /** A study as a line of the list: its settings in brief, trials by state, epochs, the best trial. */
    static Map<String, Object> summary(Studies.Study s, StudySummary summary) {
        SearchConfig c = summary.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("createdAt", string(s.createdAt()));
        m.put("metric", c.metric());
        m.put("maximise", c.maximise());
        m.put("sampler", c.sampler());
        m.put("scheduler", c.scheduler());
        m.put("trialsAsked", c.trials());
        m.put("epochBudget", c.epochBudget());
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (TrialState state : TrialState.values()) byState.put(state.name(), summary.count(state));
        m.put("byState", byState);
        m.put("finished", summary.finished());
        m.put("epochs", summary.epochs());
        m.put("done", summary.done());
        Study.TrialView best = summary.best();
        if (best == null) {
            m.put("best", null);
        } else {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("trial", best.number());
            b.put("value", finite(best.value()));
            b.put("runId", best.runId());
            m.put("best", b);
        }
        return m;
    }

    static Map<String, Object> trial(Study.TrialView t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", t.number());
        m.put("state", t.state().name());
        m.put("params", t.params());
        m.put("value", finite(t.value()));
        m.put("epochs", t.epochs());
        m.put("runId", t.runId());
        m.put("attempts", t.attempts());
        m.put("startedAt", string(t.startedAt()));
        m.put("endedAt", string(t.endedAt()));
        m.put("message", t.message());
        List<Object[]> reported = new ArrayList<>();
        t.reported().forEach((epoch, value) -> reported.add(new Object[]{epoch, finite(value)}));
        m.put("reported", reported);
        return m;
    }

    /** A value as JSON can carry it: NaN and infinities (a diverged training) become null. */
    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static String string(Instant t) {
        return t == null ? null : t.toString();
    }
}
