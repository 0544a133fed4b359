package io.histoscale.registry;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reading the run registry: runs chosen by a {@link RunFilter}, one run, what a run measured, and how many runs are in
 * each status — for the command line and for a dashboard answering many requests at once. Opened on the same
 * location as {@link RunRegistry} (an SQLite file or a JDBC URL), whose schema it brings up to date the same way; it
 * never writes a run.
 *
 * <p><b>Thread-safety.</b> An instance is immutable and may be shared by any number of threads. Each call opens its
 * own connection, reads in one read-only transaction and closes the connection before it returns, so everything one
 * call returns comes from one committed state of the registry: never half of a recorder's write, never a run from
 * before a change with metrics from after it. SQLite connections are opened read-only
 * ({@code SQLiteConfig.setReadOnly}), so a query cannot write even by mistake; other databases get read-only
 * transactions. Results are unmodifiable values that may be handed to other threads.
 *
 * <p><b>A connection per call, no pool.</b> Opening an SQLite connection is opening a file (well under a
 * millisecond); a connection of its own per thread is what SQLite's locking expects; and with nothing held between
 * calls there is nothing to close and nothing to go stale. Readers never block one another; while a recorder commits
 * they wait (up to 60 s) rather than fail, and a recorder waits for the short read transactions in turn. With
 * PostgreSQL each call pays for a new network connection, which a dashboard polling a shared registry could avoid
 * by pooling; that is the one place a pool would pay.
 */
public final class RunQueries {

    private final RegistryDatabase db;
    private final RunReader reader;

    private RunQueries(RegistryDatabase db) {
        this.db = db;
        this.reader = new RunReader(db);
    }

    /**
     * The registry at {@code location} (a file path, a {@code jdbc:} URL, or null for the default, as for
     * {@link RunRegistry#open}); a file that does not exist yet is created with an empty registry.
     */
    public static RunQueries open(String location) {
        return new RunQueries(RegistryDatabase.open(location));
    }

    public String location() {
        return db.location();
    }

    /** The runs {@code filter} chooses, newest first, one page of them. */
    public List<Run> list(RunFilter filter) {
        return read(c -> reader.list(c, filter));
    }

    /** The run with exactly this id. */
    public Optional<Run> find(String id) {
        return read(c -> reader.find(c, id));
    }

    /**
     * The run with this id, or with the only id that starts with it.
     *
     * @throws io.histoscale.core.UserException when no run, or more than one, has such an id
     */
    public Run get(String idOrPrefix) {
        return read(c -> reader.get(c, idOrPrefix));
    }

    /**
     * What run {@code idOrPrefix} measured: its recorded final figures and its metrics file as it is now.
     *
     * @throws io.histoscale.core.UserException when no run, or more than one, has such an id
     */
    public RunMetrics metrics(String idOrPrefix) {
        Run run = get(idOrPrefix);
        return new RunMetrics(run.id(), run.metrics(),
                MetricsFile.read(run.metricsFile() == null ? null : Path.of(run.metricsFile())));
    }

    /** How many runs {@code filter} chooses in each status (its paging ignored); every status is a key. */
    public Map<RunStatus, Long> countByStatus(RunFilter filter) {
        return read(c -> reader.countByStatus(c, filter));
    }

    private <T> T read(Function<Connection, T> query) {
        Connection c = db.connectReadOnly();
        try {
            return query.apply(c);
        } finally {
            RegistryDatabase.release(c);
        }
    }
}
