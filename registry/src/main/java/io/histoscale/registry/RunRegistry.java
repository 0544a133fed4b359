package io.histoscale.registry;

import io.histoscale.core.Json;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run registry: every run recorded in one SQLite file (default {@code ~/.histoscale/runs.db}) or a PostgreSQL
 * database given by a JDBC URL. The schema is created and upgraded by Flyway migrations on open.
 *
 * <p>This is the recording side: a run's life is written here, and the reads a recorder needs ({@link #get},
 * {@link #find}, {@link #list}) go through the same connection, so they see its own writes at once. Code that only
 * reads, above all from several threads (a dashboard), uses {@link RunQueries} instead.
 *
 * <p>Several processes (array tasks, a watcher, the submitting command) may use one SQLite file at once: each write is
 * one short statement or transaction and waits up to 60 s for a busy file. The rollback journal is kept (not WAL) so
 * the file may sit on a cluster's network home directory.
 *
 * <p>Not thread-safe: an instance holds one connection, for one thread at a time.
 */
public final class RunRegistry implements AutoCloseable {

    /** Environment variable naming the registry (a file or a JDBC URL) when {@code --store} is not given. */
    public static final String STORE_ENV = "HISTOSCALE_STORE";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryDatabase db;
    private final RunReader reader;
    private final Connection connection;

    private RunRegistry(RegistryDatabase db) {
        this.db = db;
        this.reader = new RunReader(db);
        this.connection = db.connect();
    }

    /** The registry at {@code location}: a file path, a {@code jdbc:} URL, or null for the default. */
    public static RunRegistry open(String location) {
        return new RunRegistry(RegistryDatabase.open(location));
    }

    /** {@code $HISTOSCALE_STORE}, else the system property {@code histoscale.store}, else ~/.histoscale/runs.db. */
    public static String defaultLocation() {
        String env = System.getenv(STORE_ENV);
        if (env != null && !env.isBlank()) return env;
        String property = System.getProperty("histoscale.store");
        if (property != null && !property.isBlank()) return property;
        return Path.of(System.getProperty("user.home"), ".histoscale", "runs.db").toString();
    }

    public String location() {
        return db.location();
    }

    /**
     * The folder of run {@code id}'s own files (a submitted job's script, logs and exit statuses; a running run's
     * heartbeat): {@code runs/ID} beside an SQLite registry, else {@code ~/.histoscale/runs/ID}.
     */
    public Path runFolder(String id) {
        return runFolder(location(), id);
    }

    /** {@link #runFolder(String)} of the registry at {@code location}. */
    public static Path runFolder(String location, String id) {
        Path base = location.startsWith("jdbc:") && !location.startsWith("jdbc:sqlite:")
                ? Path.of(System.getProperty("user.home"), ".histoscale")
                : Path.of(location.replaceFirst("^jdbc:sqlite:", "")).toAbsolutePath().getParent();
        return base.resolve("runs").resolve(id);
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    /** A new run, recorded as PENDING by {@link Draft#create()}. */
    public Draft newRun(String kind) {
        return new Draft(kind);
    }

    /** Settings of a run about to be recorded, in DJL's builder style. */
    public final class Draft {
        private final String kind;
        private List<String> command = List.of();
        private Map<String, Object> config = Map.of();
        private String user = System.getProperty("histoscale.user", System.getProperty("user.name"));
        private String executor = "in-process";
        private String workDir = System.getProperty("user.dir");
        private String metricsFile;

        private Draft(String kind) {
            this.kind = kind;
        }

        public Draft setCommand(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        public Draft optConfig(Map<String, Object> config) {
            this.config = new LinkedHashMap<>(config);
            return this;
        }

        /** Who started the run (default: the user running this process). */
        public Draft optUser(String user) {
            this.user = user;
            return this;
        }

        public Draft optExecutor(String executor) {
            this.executor = executor;
            return this;
        }

        public Draft optWorkDir(String workDir) {
            this.workDir = workDir;
            return this;
        }

        public Draft optMetricsFile(String metricsFile) {
            this.metricsFile = metricsFile;
            return this;
        }

        /** Records the run and returns its id, e.g. {@code train-3fa9c2}. */
        public String create() {
            for (int attempt = 0; ; attempt++) {
                String id = kind.replaceAll("[^A-Za-z0-9]+", "-") + "-" + HexFormat.of().formatHex(randomBytes(3));
                try (PreparedStatement s = prepare("INSERT INTO runs (id, kind, user_name, command, config, status, "
                                + "created_at, executor, work_dir, metrics_file) VALUES (?,?,?,?,?,?,?,?,?,?)", id, kind, user,
                        Json.line(command), Json.line(config), RunStatus.PENDING.name(), System.currentTimeMillis(),
                        executor, workDir, metricsFile)) {
                    s.executeUpdate();
                    return id;
                } catch (SQLException e) {
                    if (attempt < 3 && find(id).isPresent()) continue; // id collision: draw another
                    throw db.failure("record a new run", e);
                }
            }
        }
    }

    /** The run was handed to its executor: the Slurm job id or local process id, and its log. */
    public void submitted(String id, String executor, String jobId, String logPath) {
        update("UPDATE runs SET executor = ?, job_id = ?, log_path = ? WHERE id = ?", executor, jobId, logPath, id);
    }

    /** The run started on {@code host}. */
    public void started(String id, String host) {
        update("UPDATE runs SET status = ?, started_at = COALESCE(started_at, ?), host = ?, ended_at = NULL, "
                + "exit_code = NULL, message = NULL WHERE id = ?", RunStatus.RUNNING.name(), System.currentTimeMillis(),
                host, id);
    }

    /** The run ended now: COMPLETED, FAILED or CANCELLED, with its exit code and, when it did not complete, why. */
    public void finished(String id, RunStatus status, Integer exitCode, String message) {
        finished(id, status, exitCode, message, Instant.now());
    }

    /**
     * The run ended at {@code endedAt}: for an end recorded by someone else than the run, later (a run killed with
     * SIGKILL, noticed by the next {@code runs list}).
     */
    public void finished(String id, RunStatus status, Integer exitCode, String message, Instant endedAt) {
        if (!status.isFinal()) throw new IllegalArgumentException(status + " is not a final status");
        long end = endedAt.toEpochMilli();
        update("UPDATE runs SET status = ?, ended_at = ?, started_at = COALESCE(started_at, ?), exit_code = ?, "
                + "message = ? WHERE id = ?", status.name(), end, end, exitCode, message, id);
    }

    /** Adds or replaces final figures of a run. */
    public void putMetrics(String id, Map<String, Double> metrics) {
        inTransaction("INSERT INTO run_metrics (run_id, name, value) VALUES (?,?,?) "
                + "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value", id, new TreeMap<>(metrics));
    }

    /** Adds or replaces files the run produced. */
    public void putArtefacts(String id, Map<String, String> artefacts) {
        inTransaction("INSERT INTO run_artefacts (run_id, name, path) VALUES (?,?,?) "
                + "ON CONFLICT (run_id, name) DO UPDATE SET path = excluded.path", id, new TreeMap<>(artefacts));
    }

    /** Adds or replaces a task of an array run. */
    public void putTask(String id, RunTask t) {
        update("INSERT INTO run_tasks (run_id, task, job_id, status, attempts, exit_code, log_path, message) "
                        + "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (run_id, task) DO UPDATE SET job_id = excluded.job_id, "
                        + "status = excluded.status, attempts = excluded.attempts, exit_code = excluded.exit_code, "
                        + "log_path = excluded.log_path, message = excluded.message",
                id, t.index(), t.jobId(), t.status().name(), t.attempts(), t.exitCode(), t.logPath(), t.message());
    }

    /** Sets the state of one task as seen from inside it (it started, or it ended). */
    public void taskStatus(String id, int task, RunStatus status, Integer exitCode, String message) {
        update("UPDATE run_tasks SET status = ?, exit_code = ?, message = ? WHERE run_id = ? AND task = ?",
                status.name(), exitCode, message, id, task);
    }

    // ---- reading (on this connection; concurrent readers use RunQueries) ------------------------------------------

    /** The run with this id, or with the only id that starts with it. */
    public Run get(String idOrPrefix) {
        return reader.get(connection, idOrPrefix);
    }

    public Optional<Run> find(String id) {
        return reader.find(connection, id);
    }

    /** The newest {@code limit} runs, newest first; {@code kind} null for every kind. */
    public List<Run> list(String kind, int limit) {
        return reader.list(connection, RunFilter.builder().optKind(kind).optLimit(limit).build());
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private void update(String sql, Object... args) {
        try (PreparedStatement s = prepare(sql, args)) {
            s.executeUpdate();
        } catch (SQLException e) {
            throw db.failure("update its runs", e);
        }
    }

    private void inTransaction(String sql, String id, Map<String, ?> rows) {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                for (Map.Entry<String, ?> e : rows.entrySet()) {
                    s.setString(1, id);
                    s.setString(2, e.getKey());
                    s.setObject(3, e.getValue());
                    s.addBatch();
                }
                s.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw db.failure("update run " + id, e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        return RegistryDatabase.prepare(connection, sql, args);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** This host's short name, as recorded with a run. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        RegistryDatabase.release(connection);
    }
}
