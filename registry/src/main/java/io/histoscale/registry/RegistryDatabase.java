package io.histoscale.registry;

import io.histoscale.core.UserException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Where the registry lives: an SQLite file or a JDBC URL, its schema brought up to date by Flyway when opened, and
 * connections to it — read-write for {@link RunRegistry}, read-only for {@link RunQueries}. Immutable; {@link
 * #connect} and {@link #connectReadOnly} may be called from any thread, each call giving a new connection.
 */
final class RegistryDatabase {

    private static final int BUSY_TIMEOUT_MS = 60_000;
    /** Flyway's table of applied migrations: what makes a database a run registry. */
    private static final String SCHEMA_HISTORY = "registry_schema_history";
    /** Flyway reports every open at INFO; only its warnings belong on a user's terminal. Held so it is not collected. */
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");

    private final String location;
    private final DataSource writable;
    private final DataSource readOnly;

    private RegistryDatabase(String location, DataSource writable, DataSource readOnly) {
        this.location = location;
        this.writable = writable;
        this.readOnly = readOnly;
    }

    /** The registry at {@code location} (a file path, a {@code jdbc:} URL, or null for the default), migrated. */
    static RegistryDatabase open(String location) {
        String where = location != null && !location.isBlank() ? location : RunRegistry.defaultLocation();
        RegistryDatabase db;
        if (where.startsWith("jdbc:sqlite:") || !where.startsWith("jdbc:")) {
            Path path = sqliteFile(where);
            db = new RegistryDatabase(where, sqlite(path, false), sqlite(path, true));
        } else {
            DataSource url = new UrlDataSource(where);
            db = new RegistryDatabase(where, url, url);
        }
        db.migrate();
        return db;
    }

    String location() {
        return location;
    }

    /** A new read-write connection in auto-commit mode. */
    Connection connect() {
        try {
            return writable.getConnection();
        } catch (SQLException e) {
            throw cannotOpen(e);
        }
    }

    /**
     * A new connection that cannot write (SQLite opens the file read-only; other databases get a read-only
     * transaction), inside one transaction, so that every statement on it sees the same committed state. Give it
     * back with {@link #release}.
     */
    Connection connectReadOnly() {
        Connection c = null;
        try {
            c = readOnly.getConnection();
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            if (c != null) release(c);
            throw cannotOpen(e);
        }
    }

    /** One line naming the registry, what could not be done, the database's reason and what to do. */
    UserException failure(String what, SQLException e) {
        String known = sqliteReason(e);
        if (known != null) return stored(known, e);
        return stored("run registry " + location + ": cannot " + what + ": " + firstLine(e.getMessage()), e);
    }

    private UserException cannotOpen(SQLException e) {
        String known = sqliteReason(e);
        if (known != null) return stored(known, e);
        return stored("cannot open the run registry " + location + ": " + firstLine(e.getMessage())
                + "; give a writable file or a reachable JDBC URL", e);
    }

    /**
     * What an SQLite failure means for the user, for those a user can act on (read-only, disk full, not a registry,
     * damaged); null for others and for other databases.
     */
    private String sqliteReason(SQLException e) {
        if (location.startsWith("jdbc:") && !location.startsWith("jdbc:sqlite:")) return null;
        return switch (e.getErrorCode() & 0xFF) {
            case SQLITE_READONLY -> "cannot write the run registry " + location + ": "
                    + whyNotWritable(Path.of(file(location))) + "; give a writable file";
            case SQLITE_FULL -> "cannot write the run registry " + location + ": no space left on device; free space "
                    + "there or give another location";
            case SQLITE_NOTADB -> notARegistry(file(location), "not an SQLite database");
            case SQLITE_CORRUPT -> "the run registry " + location + " is damaged (" + firstLine(e.getMessage())
                    + "); restore it from a backup, or give another file";
            default -> null;
        };
    }

    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_NOTADB = 26;
    /** What every SQLite 3 database file starts with. */
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static String notARegistry(String file, String why) {
        return file + " is not a HistoScale run registry (" + why + "); give a registry file, or a new file name to start "
                + "one";
    }

    /** A problem with the registry's location: the {@code store} setting. */
    private static UserException stored(String message) {
        return stored(message, null);
    }

    private static UserException stored(String message, Throwable cause) {
        return UserException.about("store", message, cause);
    }

    private static String file(String where) {
        return where.startsWith("jdbc:sqlite:") ? where.substring("jdbc:sqlite:".length()) : where;
    }

    private static Path sqliteFile(String where) {
        Path path = Path.of(file(where)).toAbsolutePath();
        if (Files.exists(path)) {
            checkIsSqlite(path);
            return path;
        }
        try {
            Files.createDirectories(path.getParent());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw stored("cannot create the run registry " + path + ": " + e.getFile() + " is a file, not "
                    + "a folder; give a writable file", e);
        } catch (IOException e) {
            throw stored("cannot create the run registry " + path + ": " + whyNotWritable(path.getParent())
                    + "; give a writable file", e);
        }
        if (!Files.isWritable(path.getParent())) {
            throw stored("cannot create the run registry " + path + ": " + whyNotWritable(path.getParent())
                    + "; give a writable file");
        }
        return path;
    }

    /**
     * Says at once when {@code path} is not an SQLite database (SQLite itself would only say so at the first query,
     * and Flyway after half a minute of retries) or is a database of another program.
     */
    private static void checkIsSqlite(Path path) {
        if (Files.isDirectory(path)) throw stored(notARegistry(path.toString(), "it is a folder"));
        byte[] head = new byte[SQLITE_HEADER.length];
        int read;
        try (java.io.InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw stored("cannot read the run registry " + path + ": " + e.getMessage(), e);
        }
        if (read == 0) return; // an empty file: SQLite makes it a database
        if (read < head.length || !java.util.Arrays.equals(head, SQLITE_HEADER)) {
            throw stored(notARegistry(path.toString(), "not an SQLite database"));
        }
        try (Connection c = sqlite(path, true).getConnection();
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet tables = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            java.util.Set<String> names = new java.util.HashSet<>();
            while (tables.next()) names.add(tables.getString(1));
            if (!names.isEmpty() && !names.contains(SCHEMA_HISTORY)) {
                throw stored(notARegistry(path.toString(), "an SQLite database of another program, with "
                        + "tables " + new java.util.TreeSet<>(names)));
            }
        } catch (SQLException e) {
            if ((e.getErrorCode() & 0xFF) == SQLITE_NOTADB) {
                throw stored(notARegistry(path.toString(), "not an SQLite database"), e);
            }
            throw stored("the run registry " + path + " cannot be read (" + firstLine(e.getMessage())
                    + "); restore it from a backup, or give another file", e);
        }
    }

    /** Why nothing can be written at {@code path}: its file system is read-only, or permissions forbid it. */
    static String whyNotWritable(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        try {
            if (existing != null && Files.getFileStore(existing).isReadOnly()) return "read-only file system";
        } catch (IOException e) {
            // fall through to the other reason
        }
        return "permission denied";
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        String[] lines = message.strip().split("\\R");
        for (String line : lines) {
            // Flyway puts the database's own message on a line "Message    : …" of a block
            if (line.startsWith("Message")) return line.replaceFirst("^Message\\s*:\\s*", "");
        }
        return lines[0];
    }

    private static DataSource sqlite(Path path, boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setReadOnly(readOnly);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + path);
        return sqlite;
    }

    private void migrate() {
        // Two processes opening a new SQLite file at once may both try to migrate; the loser retries and finds it done.
        for (int attempt = 1; ; attempt++) {
            try {
                Flyway.configure().loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator")
                        .dataSource(writable).locations("classpath:io/histoscale/registry/migration")
                        .table(SCHEMA_HISTORY).load().migrate();
                return;
            } catch (FlywayException e) {
                SQLException sql = sqlCause(e);
                String known = sql == null ? null : sqliteReason(sql);
                if (known != null) throw stored(known, e);
                if (attempt == 3) {
                    throw stored("cannot prepare the run registry " + location + ": "
                            + firstLine(sql != null ? sql.getMessage() : e.getMessage())
                            + "; give a writable file or a reachable JDBC URL", e);
                }
                sleep(200L * attempt);
            }
        }
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql) return sql;
        }
        return null;
    }

    /** A query on a connection, which may throw what JDBC throws. */
    @FunctionalInterface
    interface Query<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * {@code query} on a read-only connection in one transaction ({@link #connectReadOnly}), released after; a
     * failure becomes one line saying it could not {@code what}.
     */
    <T> T read(String what, Query<T> query) {
        Connection c = connectReadOnly();
        try {
            return query.apply(c);
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            release(c);
        }
    }

    /** One auto-committed statement ({@code sql} with {@code args}); returns the rows it changed. */
    int update(String what, String sql, Object... args) {
        Connection c = connect();
        try (PreparedStatement s = prepare(c, sql, args)) {
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            release(c);
        }
    }

    /** {@code sql} prepared on {@code c} with {@code args} bound in order (null as SQL NULL). */
    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) s.setNull(i + 1, Types.VARCHAR);
                else s.setObject(i + 1, args[i]);
            }
            return s;
        } catch (SQLException e) {
            s.close();
            throw e;
        }
    }

    /** Ends what is open on {@code c} (a read-only transaction is rolled back: it changed nothing) and closes it. */
    static void release(Connection c) {
        try {
            if (!c.getAutoCommit()) c.rollback();
        } catch (SQLException e) {
            // closing ends the transaction as well
        }
        try {
            c.close();
        } catch (SQLException e) {
            // every write on it was committed when made; closing loses nothing
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
