package io.histoscale.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.federation.Plan;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/federation}: federated runs from the registry; for one, its plan's sites (and which answered), its
 * rounds with each site's answer, validation curves per site, the result, strategy comparisons' curves per strategy,
 * and the audit runs' verdicts per site.
 */
public final class FederationApi {

    private final RunQueries queries;

    public FederationApi(RunQueries queries) {
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/federation", ctx -> ctx.json(Map.of("runs", queries.list(RunFilter.builder()
                .optKind("federate").optLimit(100).build()).stream().map(RunsApi::summary).toList(),
                "audits", audits())));
        config.routes.get("/api/v1/federation/{run}", this::one);
    }

    private List<Map<String, Object>> audits() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Run r : queries.list(RunFilter.builder().optText("audit").optLimit(100).build())) {
            if (!r.command().contains("audit")) continue;
            Map<String, Object> m = RunsApi.summary(r);
            m.put("site", r.command().get(r.command().size() - 1));
            m.put("verdict", switch (r.status()) {
                case COMPLETED -> "intact: weights and aggregates only";
                case FAILED -> "problems: " + r.message();
                default -> r.status().name().toLowerCase(java.util.Locale.ROOT);
            });
            out.add(m);
        }
        return out;
    }

    private void one(Context ctx) throws IOException {
        String id = ctx.pathParam("run");
        Run run = queries.find(id).filter(r -> "federate".equals(r.kind()))
                .orElseThrow(() -> new NotFoundResponse("no federated run " + id));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", RunsApi.summary(run));
        List<String> missing = new ArrayList<>();
        Path out = null;
        Set<String> sites = new LinkedHashSet<>();
        for (Path planPath : RunPaths.option(run, "plan")) {
            try {
                Plan plan = Plan.read(planPath);
                m.put("strategy", plan.strategy);
                sites.addAll(plan.sites);
                out = RunPaths.resolve(run, plan.out);
            } catch (UserException e) {
                missing.add("plan " + planPath + ": " + e.getMessage());
            }
        }
        List<JsonNode> rounds = new ArrayList<>();
        Map<String, List<Object[]>> curves = new LinkedHashMap<>();
        Set<String> answered = new LinkedHashSet<>();
        if (out != null) {
            Path log = out.resolve(Coordinator.ROUNDS);
            if (Files.isRegularFile(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.isBlank()) continue;
                    JsonNode round = Json.tree(line);
                    rounds.add(round);
                    for (JsonNode site : round.path("results")) {
                        String name = site.path("site").asText();
                        answered.add(name);
                        if (site.has("validation_auc")) {
                            curves.computeIfAbsent(name, k -> new ArrayList<>()).add(new Object[]{
                                    round.path("round").asInt(), site.path("validation_auc").asDouble()});
                        }
                    }
                }
            } else {
                missing.add("round log " + log + " is missing");
            }
            Path result = out.resolve(Coordinator.RESULT);
            if (Files.isRegularFile(result)) m.put("result", Json.tree(Files.readString(result)));
        }
        List<Map<String, Object>> siteRows = new ArrayList<>();
        sites.addAll(answered);
        for (String s : sites) siteRows.add(Map.of("site", s, "answered", answered.contains(s)));
        m.put("sites", siteRows);
        m.put("rounds", rounds);
        m.put("validationCurves", curves);
        m.put("missing", missing);
        ctx.json(m);
    }
}
