package io.histoscale.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>Several processes (array tasks, a watcher, the submitting command) may use one SQLite file at once: each write is
 * one short statement or transaction and waits up to 60 s for a busy file. The rollback journal is kept (not WAL) so
 * the file may sit on a cluster's network home directory.
 */
public final class RunRegistry implements AutoCloseable {

    /** Environment variable naming the registry (a file or a JDBC URL) when {@code --store} is not given. */
    public static final String STORE_ENV = "HISTOSCALE_STORE";

    private static final int BUSY_TIMEOUT_MS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Flyway reports every open at INFO; only its warnings belong on a user's terminal. Held so it is not collected. */
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");

    private final String location;
    private final Connection connection;

    private RunRegistry(String location, Connection connection) {
        this.location = location;
        this.connection = connection;
    }

    /** The registry at {@code location}: a file path, a {@code jdbc:} URL, or null for the default. */
    public static RunRegistry open(String location) {
        String where = location != null && !location.isBlank() ? location : defaultLocation();
        DataSource source = dataSource(where);
        try {
            migrate(source, where);
            return new RunRegistry(where, source.getConnection());
        } catch (SQLException e) {
            throw new UserException("cannot open the run registry " + where + ": " + e.getMessage()
                    + "; give --store with a writable file or a reachable JDBC URL");
        }
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
        return location;
    }

    private static DataSource dataSource(String where) {
        if (where.startsWith("jdbc:sqlite:") || !where.startsWith("jdbc:")) {
            String file = where.startsWith("jdbc:sqlite:") ? where.substring("jdbc:sqlite:".length()) : where;
            Path path = Path.of(file).toAbsolutePath();
            try {
                Files.createDirectories(path.getParent());
            } catch (IOException e) {
                throw new UserException("cannot create the folder of the run registry " + path + ": " + e.getMessage()
                        + "; give --store with a writable file");
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            config.enforceForeignKeys(true);
            SQLiteDataSource sqlite = new SQLiteDataSource(config);
            sqlite.setUrl("jdbc:sqlite:" + path);
            return sqlite;
        }
        return new UrlDataSource(where);
    }

    private static void migrate(DataSource source, String where) {
        // Two processes opening a new SQLite file at once may both try to migrate; the loser retries and finds it done.
        for (int attempt = 1; ; attempt++) {
            try {
                Flyway.configure().loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator").dataSource(source).locations("classpath:io/histoscale/registry/migration")
                        .table("registry_schema_history").load().migrate();
                return;
            } catch (FlywayException e) {
                if (attempt == 3) {
                    throw new UserException("cannot prepare the run registry " + where + ": " + e.getMessage()
                            + "; give --store with a writable file or a reachable JDBC URL");
                }
                sleep(200L * attempt);
            }
        }
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
                try (PreparedStatement s = connection.prepareStatement("INSERT INTO runs (id, kind, command, config, "
                        + "status, created_at, executor, work_dir, metrics_file) VALUES (?,?,?,?,?,?,?,?,?)")) {
                    s.setString(1, id);
                    s.setString(2, kind);
                    s.setString(3, json(command));
                    s.setString(4, json(config));
                    s.setString(5, RunStatus.PENDING.name());
                    s.setLong(6, System.currentTimeMillis());
                    s.setString(7, executor);
                    s.setString(8, workDir);
                    s.setString(9, metricsFile);
                    s.executeUpdate();
                    return id;
                } catch (SQLException e) {
                    if (attempt < 3 && find(id).isPresent()) continue; // id collision: draw another
                    throw failure("record a new run", e);
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

    /** The run ended: COMPLETED, FAILED or CANCELLED, with its exit code and, when it did not complete, why. */
    public void finished(String id, RunStatus status, Integer exitCode, String message) {
        if (!status.isFinal()) throw new IllegalArgumentException(status + " is not a final status");
        update("UPDATE runs SET status = ?, ended_at = ?, started_at = COALESCE(started_at, ?), exit_code = ?, "
                        + "message = ? WHERE id = ?", status.name(), System.currentTimeMillis(),
                System.currentTimeMillis(), exitCode, message, id);
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

    // ---- reading ------------------------------------------------------------------------------------------------

    /** The run with this id, or with the only id that starts with it. */
    public Run get(String idOrPrefix) {
        Optional<Run> exact = find(idOrPrefix);
        if (exact.isPresent()) return exact.get();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT id FROM runs WHERE id LIKE ? ORDER BY id")) {
            s.setString(1, idOrPrefix.replace("%", "").replace("_", "") + "%");
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) ids.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw failure("find run " + idOrPrefix, e);
        }
        if (ids.size() == 1) return find(ids.get(0)).orElseThrow();
        if (ids.isEmpty()) {
            throw new UserException("no run " + idOrPrefix + " in the registry " + location
                    + "; list runs with: histoscale runs list");
        }
        throw new UserException("run id " + idOrPrefix + " is ambiguous (" + String.join(", ", ids)
                + "); give more of it");
    }

    public Optional<Run> find(String id) {
        List<Run> runs = query("SELECT * FROM runs WHERE id = ?", id);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** The newest {@code limit} runs, newest first; {@code kind} null for every kind. */
    public List<Run> list(String kind, int limit) {
        return kind == null
                ? query("SELECT * FROM runs ORDER BY created_at DESC, id LIMIT ?", limit)
                : query("SELECT * FROM runs WHERE kind = ? ORDER BY created_at DESC, id LIMIT ?", kind, limit);
    }

    private List<Run> query(String sql, Object... args) {
        List<Run> runs = new ArrayList<>();
        try (PreparedStatement s = prepare(sql, args); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String id = r.getString("id");
                runs.add(new Run(id, r.getString("kind"), fromJson(r.getString("command"), new TypeReference<>() { }),
                        fromJson(r.getString("config"), new TypeReference<>() { }),
                        RunStatus.valueOf(r.getString("status")), instant(r, "created_at"), instant(r, "started_at"),
                        instant(r, "ended_at"), r.getString("executor"), r.getString("job_id"), r.getString("host"),
                        r.getString("work_dir"), r.getString("log_path"), r.getString("metrics_file"),
                        integer(r, "exit_code"), r.getString("message"), Map.of(), Map.of(),
                        List.of()));
            }
        } catch (SQLException e) {
            throw failure("read runs", e);
        }
        List<Run> full = new ArrayList<>(runs.size());
        for (Run run : runs) {
            full.add(new Run(run.id(), run.kind(), run.command(), run.config(), run.status(), run.createdAt(),
                    run.startedAt(), run.endedAt(), run.executor(), run.jobId(), run.host(), run.workDir(),
                    run.logPath(), run.metricsFile(), run.exitCode(), run.message(), metrics(run.id()),
                    artefacts(run.id()), tasks(run.id())));
        }
        return full;
    }

    private Map<String, Double> metrics(String id) {
        Map<String, Double> m = new TreeMap<>();
        try (PreparedStatement s = prepare("SELECT name, value FROM run_metrics WHERE run_id = ?", id);
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                double v = r.getDouble(2);
                m.put(r.getString(1), r.wasNull() ? null : v);
            }
        } catch (SQLException e) {
            throw failure("read metrics of " + id, e);
        }
        return m;
    }

    private Map<String, String> artefacts(String id) {
        Map<String, String> m = new TreeMap<>();
        try (PreparedStatement s = prepare("SELECT name, path FROM run_artefacts WHERE run_id = ?", id);
             ResultSet r = s.executeQuery()) {
            while (r.next()) m.put(r.getString(1), r.getString(2));
        } catch (SQLException e) {
            throw failure("read artefacts of " + id, e);
        }
        return m;
    }

    private List<RunTask> tasks(String id) {
        List<RunTask> tasks = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT * FROM run_tasks WHERE run_id = ? ORDER BY task", id);
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                tasks.add(new RunTask(r.getInt("task"), r.getString("job_id"), RunStatus.valueOf(r.getString("status")),
                        r.getInt("attempts"), integer(r, "exit_code"),
                        r.getString("log_path"), r.getString("message")));
            }
        } catch (SQLException e) {
            throw failure("read tasks of " + id, e);
        }
        return tasks;
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private void update(String sql, Object... args) {
        try (PreparedStatement s = prepare(sql, args)) {
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure("update its runs", e);
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
            throw failure("update run " + id, e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) s.setNull(i + 1, Types.VARCHAR);
            else s.setObject(i + 1, args[i]);
        }
        return s;
    }

    private static Integer integer(ResultSet r, String column) throws SQLException {
        int v = r.getInt(column);
        return r.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        long ms = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private UserException failure(String what, SQLException e) {
        return new UserException("run registry " + location + ": cannot " + what + ": " + e.getMessage());
    }

    static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + value, e);
        }
    }

    private static <T> T fromJson(String text, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in the run registry: " + text, e);
        }
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

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a connection we only read and wrote with autocommit loses nothing
        }
    }

    /** A JDBC URL (PostgreSQL: user and password as URL parameters) as a DataSource for Flyway and us. */
    private record UrlDataSource(String url) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            DriverManager.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getLogger("io.histoscale.registry");
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
