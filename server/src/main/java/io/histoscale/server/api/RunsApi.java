package io.histoscale.server.api;

import io.histoscale.launch.Logs;
import io.histoscale.launch.RunTracker;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunMetrics;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;
import io.histoscale.core.UserException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/v1/runs}: the registry's runs with filters, one run with what of its files are missing, its metrics,
 * its log tail, a live stream of its epochs and state (server-sent events), and cancel. Runs submitted to an executor
 * are brought up to date (state, exit status) from their executor as they are read, as {@code histoscale watch} does.
 */
public final class RunsApi implements AutoCloseable {

    /** How often a live stream looks for new epochs. */
    static final long POLL_MILLIS = 1000;

    private final RunQueries queries;
    /** The recording side, opened (and migrated) once; it holds one connection, so calls take turns. */
    private final RunRegistry registry;
    private final RunTracker tracker;
    private final ScheduledExecutorService timer;
    private final Audit audit;

    /** Where the app's own actions are written (who cancelled what). */
    @FunctionalInterface
    public interface Audit {
        void record(Context ctx, String action, String target, String outcome);
    }

    public RunsApi(String store, ScheduledExecutorService timer, Audit audit) {
        this.queries = RunQueries.open(store);
        this.registry = RunRegistry.open(store);
        this.tracker = new RunTracker(registry);
        this.timer = timer;
        this.audit = audit;
    }

    public void register(JavalinConfig config, io.javalin.http.Handler requireResearcher) {
        config.routes.get("/api/v1/runs", this::list);
        config.routes.get("/api/v1/runs/{id}", ctx -> ctx.json(detail(refreshed(ctx.pathParam("id")))));
        config.routes.get("/api/v1/runs/{id}/metrics", ctx -> ctx.json(metrics(ctx.pathParam("id"))));
        config.routes.get("/api/v1/runs/{id}/log", ctx -> {
            Run run = find(ctx.pathParam("id"));
            int lines = Math.max(1, Math.min(1000, intParam(ctx, "lines", 60)));
            ctx.json(Map.of("run", run.id(), "log", logTail(run, lines)));
        });
        config.routes.sse("/api/v1/runs/{id}/events", this::stream);
        config.routes.post("/api/v1/runs/{id}/cancel", ctx -> {
            requireResearcher.handle(ctx);
            cancel(ctx);
        });
    }

    private void list(Context ctx) {
        RunFilter.Builder f = RunFilter.builder();
        String kind = blankToNull(ctx.queryParam("kind"));
        if (kind != null) f.optKind(kind);
        String user = blankToNull(ctx.queryParam("user"));
        if (user != null) f.optUser(user);
        String text = blankToNull(ctx.queryParam("q"));
        if (text != null) f.optText(text);
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null) {
            List<RunStatus> statuses = new ArrayList<>();
            for (String s : status.split(",")) {
                try {
                    statuses.add(RunStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new BadRequestResponse("status " + s + " is not a run state; use one of "
                            + java.util.Arrays.toString(RunStatus.values()));
                }
            }
            f.optStatus(statuses.toArray(RunStatus[]::new));
        }
        Instant from = date(ctx, "from", false), to = date(ctx, "to", true);
        if (from != null || to != null) f.optCreatedBetween(from, to);
        f.optLimit(Math.max(1, Math.min(1000, intParam(ctx, "limit", 200))));
        refreshLive();
        List<Map<String, Object>> runs = queries.list(f.build()).stream().map(RunsApi::summary).toList();
        ctx.json(Map.of("runs", runs));
    }

    /** Brings submitted runs that may still change up to date with their executor. */
    private void refreshLive() {
        List<Run> live = queries.list(RunFilter.builder().optStatus(RunStatus.PENDING, RunStatus.RUNNING).build());
        for (Run r : live) {
            if (RunTracker.mayChange(r)) {
                try {
                    track(t -> t.refresh(r.id()));
                } catch (RuntimeException e) {
                    // an executor that cannot be asked now (Slurm down): the run shows as last recorded
                }
            }
        }
    }

    /** Runs {@code action} on the one tracker, one caller at a time. */
    private synchronized Run track(java.util.function.Function<RunTracker, Run> action) {
        return action.apply(tracker);
    }

    @Override
    public synchronized void close() {
        registry.close();
    }

    private Run refreshed(String id) {
        Run run = find(id);
        if (!RunTracker.mayChange(run)) return run;
        try {
            return track(t -> t.refresh(run.id()));
        } catch (RuntimeException e) {
            return run;
        }
    }

    private Run find(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) throw new NotFoundResponse("no such run");
        try {
            return queries.get(id);
        } catch (UserException e) {
            throw new NotFoundResponse(e.getMessage());
        }
    }

    private Map<String, Object> metrics(String id) {
        Run run = find(id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run.id());
        m.put("status", run.status().name());
        try {
            RunMetrics metrics = queries.metrics(run.id());
            m.put("recorded", metrics.recorded());
            m.put("history", metrics.history());
        } catch (RuntimeException e) {
            m.put("recorded", run.metrics());
            m.put("history", List.of());
            m.put("missing", List.of("metrics file " + run.metricsFile() + ": " + e.getMessage()));
        }
        return m;
    }

    /**
     * The live stream of one run: an {@code epoch} event for each new line of its metrics history, a {@code status}
     * event when its state changes, {@code log} with the tail; the stream ends with the run (after a final
     * {@code status}).
     */
    private void stream(SseClient client) {
        String id = client.ctx().pathParam("id");
        Run first;
        try {
            first = find(id);
        } catch (NotFoundResponse e) {
            client.sendEvent("error", Map.of("error", "no such run"));
            client.close();
            return;
        }
        client.keepAlive();
        int[] sent = {0};
        String[] lastStatus = {null};
        String[] lastLog = {null};
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        Runnable poll = () -> {
            try {
                if (client.terminated()) {
                    task[0].cancel(false);
                    return;
                }
                Run run = refreshed(first.id());
                Map<String, Object> m = metrics(run.id());
                @SuppressWarnings("unchecked")
                List<Map<String, Double>> history = (List<Map<String, Double>>) m.get("history");
                for (int i = sent[0]; i < history.size(); i++) client.sendEvent("epoch", history.get(i));
                sent[0] = history.size();
                String log = logTail(run, 30);
                if (!log.equals(lastLog[0])) {
                    client.sendEvent("log", Map.of("log", log));
                    lastLog[0] = log;
                }
                if (!run.status().name().equals(lastStatus[0])) {
                    client.sendEvent("status", summary(run));
                    lastStatus[0] = run.status().name();
                }
                if (run.status().isFinal()) {
                    task[0].cancel(false);
                    client.close();
                }
            } catch (RuntimeException e) {
                task[0].cancel(false);
                client.close();
            }
        };
        task[0] = timer.scheduleWithFixedDelay(poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        client.onClose(() -> task[0].cancel(false));
    }

    private void cancel(Context ctx) {
        Run run = find(ctx.pathParam("id"));
        if (run.status().isFinal()) {
            audit.record(ctx, "cancel", run.id(), "refused: already " + run.status());
            throw new io.javalin.http.ConflictResponse("run " + run.id() + " already ended ("
                    + run.status() + "); nothing to cancel");
        }
        Run after = track(t -> t.cancel(run.id()));
        audit.record(ctx, "cancel", run.id(), after.status().name());
        ctx.json(summary(after));
    }

    /** One run as a line of the list. */
    static Map<String, Object> summary(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind());
        m.put("status", r.status().name());
        m.put("user", r.user());
        m.put("executor", r.executor());
        m.put("jobId", r.jobId());
        m.put("createdAt", string(r.createdAt()));
        m.put("startedAt", string(r.startedAt()));
        m.put("endedAt", string(r.endedAt()));
        m.put("seconds", r.duration() == null ? null : r.duration().toMillis() / 1000.0);
        m.put("message", r.message());
        m.put("metrics", r.metrics());
        return m;
    }

    /** Everything recorded about a run, and which of the files it names are gone. */
    static Map<String, Object> detail(Run r) {
        Map<String, Object> m = summary(r);
        m.put("command", r.command());
        m.put("config", r.config());
        m.put("host", r.host());
        m.put("workDir", r.workDir());
        m.put("logPath", r.logPath());
        m.put("metricsFile", r.metricsFile());
        m.put("exitCode", r.exitCode());
        m.put("artefacts", r.artefacts());
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (RunTask t : r.tasks()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("index", t.index());
            tm.put("jobId", t.jobId());
            tm.put("status", t.status().name());
            tm.put("attempts", t.attempts());
            tm.put("exitCode", t.exitCode());
            tm.put("message", t.message());
            tasks.add(tm);
        }
        m.put("tasks", tasks);
        m.put("provenance", provenance(r));
        m.put("missing", missing(r));
        return m;
    }

    /** The run's own provenance file (run.json of a training run), when it has one. */
    private static Object provenance(Run r) {
        for (String where : r.artefacts().values()) {
            Path p = Path.of(where);
            Path json = Files.isDirectory(p) ? p.resolve("run.json") : null;
            if (json != null && Files.isRegularFile(json)) {
                try {
                    if (Files.size(json) < 1 << 20) return io.histoscale.core.Json.tree(Files.readString(json));
                } catch (java.io.IOException | IllegalArgumentException e) {
                    return "unreadable: " + json;
                }
            }
        }
        return null;
    }

    /** The files the registry names for a run that are no longer there, said as a person would. */
    static List<String> missing(Run r) {
        List<String> gone = new ArrayList<>();
        check(gone, "log", r.logPath());
        check(gone, "metrics file", r.metricsFile());
        if (r.status().isFinal()) r.artefacts().forEach((name, where) -> check(gone, name, where));
        return gone;
    }

    private static void check(List<String> gone, String what, String where) {
        if (where == null || where.isBlank()) return;
        if (!Files.exists(Path.of(where))) gone.add(what + " " + where + " is missing (moved or deleted)");
    }

    static String logTail(Run run, int lines) {
        if (run.logPath() == null) return "";
        Path log = Path.of(run.logPath());
        if (!Files.isRegularFile(log)) return "";
        return Logs.tail(log, lines);
    }

    private static String string(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " " + v + " is not a whole number");
        }
    }

    private static Instant date(Context ctx, String name, boolean endOfDay) {
        String v = blankToNull(ctx.queryParam(name));
        if (v == null) return null;
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse(name + " " + v + " is not a date; use YYYY-MM-DD");
        }
    }

    public Optional<Run> run(String id) {
        return queries.find(id);
    }

    public RunQueries queries() {
        return queries;
    }
}
