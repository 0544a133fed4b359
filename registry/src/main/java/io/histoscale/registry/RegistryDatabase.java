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

    /** One line naming the registry, what could not be done and the database's reason. */
    UserException failure(String what, SQLException e) {
        return new UserException("run registry " + location + ": cannot " + what + ": " + e.getMessage());
    }

    private UserException cannotOpen(SQLException e) {
        return new UserException("cannot open the run registry " + location + ": " + e.getMessage()
                + "; give --store with a writable file or a reachable JDBC URL");
    }

    private static Path sqliteFile(String where) {
        String file = where.startsWith("jdbc:sqlite:") ? where.substring("jdbc:sqlite:".length()) : where;
        Path path = Path.of(file).toAbsolutePath();
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new UserException("cannot create the folder of the run registry " + path + ": " + e.getMessage()
                    + "; give --store with a writable file");
        }
        return path;
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
                        .table("registry_schema_history").load().migrate();
                return;
            } catch (FlywayException e) {
                if (attempt == 3) {
                    throw new UserException("cannot prepare the run registry " + location + ": " + e.getMessage()
                            + "; give --store with a writable file or a reachable JDBC URL");
                }
                sleep(200L * attempt);
            }
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
