package io.histoscale.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SQL that reads runs, shared by {@link RunRegistry} (on its own connection, so it sees its own writes) and
 * {@link RunQueries} (on a read-only connection per call). It keeps nothing between calls: each method works only on
 * the connection it is given, and returns values nobody else holds, with unmodifiable collections.
 */
final class RunReader {

    private final RegistryDatabase db;

    RunReader(RegistryDatabase db) {
        this.db = db;
    }

    Optional<Run> find(Connection c, String id) {
        List<Run> runs = runs(c, "SELECT * FROM runs WHERE id = ?", id);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** The run with this id, or with the only id that starts with it. */
    Run get(Connection c, String idOrPrefix) {
        Optional<Run> exact = find(c, idOrPrefix);
        if (exact.isPresent()) return exact.get();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT id FROM runs WHERE id LIKE ? ORDER BY id",
                idOrPrefix.replace("%", "").replace("_", "") + "%"); ResultSet r = s.executeQuery()) {
            while (r.next()) ids.add(r.getString(1));
        } catch (SQLException e) {
            throw db.failure("find run " + idOrPrefix, e);
        }
        if (ids.size() == 1) return find(c, ids.get(0)).orElseThrow();
        if (ids.isEmpty()) {
            throw new UserException("no run " + idOrPrefix + " in the registry " + db.location()
                    + "; list runs with: histoscale runs list");
        }
        throw new UserException("run id " + idOrPrefix + " is ambiguous (" + String.join(", ", ids)
                + "); give more of it");
    }

    /** The runs the filter selects, newest first, one page of them. */
    List<Run> list(Connection c, RunFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        args.add(filter.limit());
        args.add(filter.offset());
        return runs(c, "SELECT * FROM runs" + where + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                args.toArray());
    }

    /** How many runs the filter selects in each status (paging ignored), every status present, zero or more. */
    Map<RunStatus, Long> countByStatus(Connection c, RunFilter filter) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT status, COUNT(*) FROM runs" + where(filter, args) + " GROUP BY status";
        Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        for (RunStatus s : RunStatus.values()) counts.put(s, 0L);
        try (PreparedStatement s = RegistryDatabase.prepare(c, sql, args.toArray()); ResultSet r = s.executeQuery()) {
            while (r.next()) counts.put(RunStatus.valueOf(r.getString(1)), r.getLong(2));
        } catch (SQLException e) {
            throw db.failure("count runs", e);
        }
        return Collections.unmodifiableMap(counts);
    }

    /** The final figures recorded for run {@code id}, by name. */
    Map<String, Double> metrics(Connection c, String id) {
        Map<String, Double> m = new TreeMap<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT name, value FROM run_metrics WHERE run_id = ?",
                id); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                double v = r.getDouble(2);
                m.put(r.getString(1), r.wasNull() ? null : v);
            }
        } catch (SQLException e) {
            throw db.failure("read metrics of " + id, e);
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@code " WHERE …"} for the filter's conditions (empty for none), their values appended to {@code args}. */
    private static String where(RunFilter f, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (f.kind() != null) {
            conditions.add("kind = ?");
            args.add(f.kind());
        }
        if (!f.statuses().isEmpty()) {
            conditions.add("status IN (" + String.join(", ", Collections.nCopies(f.statuses().size(), "?")) + ")");
            f.statuses().stream().map(RunStatus::name).sorted().forEach(args::add);
        }
        if (f.user() != null) {
            conditions.add("user_name = ?");
            args.add(f.user());
        }
        if (f.createdFrom() != null) {
            conditions.add("created_at >= ?");
            args.add(f.createdFrom().toEpochMilli());
        }
        if (f.createdBefore() != null) {
            conditions.add("created_at < ?");
            args.add(f.createdBefore().toEpochMilli());
        }
        if (f.text() != null) {
            // The command is stored as JSON: look for the text as it is written inside a JSON string.
            String json = Json.line(f.text().toLowerCase(Locale.ROOT));
            String pattern = "%" + likeEscaped(json.substring(1, json.length() - 1)) + "%";
            conditions.add("(LOWER(id) LIKE ? ESCAPE '!' OR LOWER(command) LIKE ? ESCAPE '!')");
            args.add(pattern);
            args.add(pattern);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private List<Run> runs(Connection c, String sql, Object... args) {
        List<Run> rows = new ArrayList<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, sql, args); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(new Run(r.getString("id"), r.getString("kind"), r.getString("user_name"),
                        Collections.unmodifiableList(fromJson(r.getString("command"), new TypeReference<List<String>>() { })),
                        Collections.unmodifiableMap(fromJson(r.getString("config"), new TypeReference<Map<String, Object>>() { })),
                        RunStatus.valueOf(r.getString("status")), instant(r, "created_at"), instant(r, "started_at"),
                        instant(r, "ended_at"), r.getString("executor"), r.getString("job_id"), r.getString("host"),
                        r.getString("work_dir"), r.getString("log_path"), r.getString("metrics_file"),
                        integer(r, "exit_code"), r.getString("message"), Map.of(), Map.of(), List.of()));
            }
        } catch (SQLException e) {
            throw db.failure("read runs", e);
        }
        List<Run> full = new ArrayList<>(rows.size());
        for (Run run : rows) {
            full.add(new Run(run.id(), run.kind(), run.user(), run.command(), run.config(), run.status(),
                    run.createdAt(), run.startedAt(), run.endedAt(), run.executor(), run.jobId(), run.host(),
                    run.workDir(), run.logPath(), run.metricsFile(), run.exitCode(), run.message(), metrics(c, run.id()),
                    artefacts(c, run.id()), tasks(c, run.id())));
        }
        return Collections.unmodifiableList(full);
    }

    private Map<String, String> artefacts(Connection c, String id) {
        Map<String, String> m = new TreeMap<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT name, path FROM run_artefacts WHERE run_id = ?",
                id); ResultSet r = s.executeQuery()) {
            while (r.next()) m.put(r.getString(1), r.getString(2));
        } catch (SQLException e) {
            throw db.failure("read artefacts of " + id, e);
        }
        return Collections.unmodifiableMap(m);
    }

    private List<RunTask> tasks(Connection c, String id) {
        List<RunTask> tasks = new ArrayList<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT * FROM run_tasks WHERE run_id = ? ORDER BY task",
                id); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                tasks.add(new RunTask(r.getInt("task"), r.getString("job_id"), RunStatus.valueOf(r.getString("status")),
                        r.getInt("attempts"), integer(r, "exit_code"), r.getString("log_path"), r.getString("message")));
            }
        } catch (SQLException e) {
            throw db.failure("read tasks of " + id, e);
        }
        return Collections.unmodifiableList(tasks);
    }

    private static Integer integer(ResultSet r, String column) throws SQLException {
        int v = r.getInt(column);
        return r.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        long ms = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static <T> T fromJson(String text, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in the run registry: " + text, e);
        }
    }
}
