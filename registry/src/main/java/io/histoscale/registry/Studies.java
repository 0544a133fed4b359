package io.histoscale.registry;

import io.histoscale.core.UserException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Model-search studies and their trials, kept in the run registry (an SQLite file or a JDBC URL, as for
 * {@link RunRegistry}) so that workers on many nodes share one study. This class stores; the search module decides.
 *
 * <p>Handing out and finishing trials happens in {@link #locked} transactions: each starts by bumping the study's
 * {@code lock_seq}, which takes SQLite's write lock (PostgreSQL: the study row's lock) before anything is read, so two
 * workers never see the same state and never hand out the same trial. Reads ({@link #trials}, {@link #values}) see
 * one committed state. Thread-safe: each call opens its own connection.
 */
public final class Studies {

    /** A study: its name, when it was made, and its settings as JSON (space, sampler, scheduler, metric, …). */
    public record Study(String name, Instant createdAt, String config) {
    }

    /**
     * A trial as stored.
     *
     * @param state  WAITING, RUNNING, COMPLETE, PRUNED or FAILED
     * @param params the trial's parameters as JSON
     * @param epochs epochs the trial trained
     */
    public record Trial(String study, int number, String state, String params, Double value, String runId,
                        String worker, int attempts, Instant heartbeat, Instant createdAt, Instant startedAt,
                        Instant endedAt, int epochs, String message) {

        public Trial withState(String state, Double value, Instant endedAt, String message) {
            return new Trial(study, number, state, params, value, runId, worker, attempts, heartbeat, createdAt,
                    startedAt, endedAt, epochs, message);
        }

        public Trial claimedBy(String worker, Instant now) {
            return new Trial(study, number, "RUNNING", params, null, runId, worker, attempts + 1, now, createdAt,
                    startedAt != null ? startedAt : now, null, epochs, null);
        }

        public Trial withRun(String runId) {
            return new Trial(study, number, state, params, value, runId, worker, attempts, heartbeat, createdAt,
                    startedAt, endedAt, epochs, message);
        }

        public Trial withEpochs(int epochs) {
            return new Trial(study, number, state, params, value, runId, worker, attempts, heartbeat, createdAt,
                    startedAt, endedAt, epochs, message);
        }
    }

    /** A value a trial reported at a step (an epoch). */
    public record Value(int number, int step, double value) {
    }

    private final RegistryDatabase db;

    private Studies(RegistryDatabase db) {
        this.db = db;
    }

    /** The studies of the registry at {@code location}: a file path, a {@code jdbc:} URL, or null for the default. */
    public static Studies open(String location) {
        return new Studies(RegistryDatabase.open(location));
    }

    public String location() {
        return db.location();
    }

    /** Makes a study; false when one of that name exists (its settings are left as they are). */
    public boolean create(String name, String config) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT 1 FROM studies WHERE name = ?", name);
                 ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement s = RegistryDatabase.prepare(c,
                    "INSERT INTO studies (name, created_at, config, lock_seq) VALUES (?, ?, ?, 0)",
                    name, System.currentTimeMillis(), config)) {
                s.executeUpdate();
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            throw db.failure("create study " + name, e);
        }
    }

    /** The study called {@code name}. */
    public Optional<Study> study(String name) {
        return db.read("read study " + name, c -> {
            try (PreparedStatement s = RegistryDatabase.prepare(c,
                    "SELECT name, created_at, config FROM studies WHERE name = ?", name);
                 ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(study(r)) : Optional.empty();
            }
        });
    }

    /** Every study, newest first. */
    public List<Study> list() {
        return db.read("list studies", c -> {
            List<Study> all = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT name, created_at, config FROM studies ORDER BY created_at DESC, name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) all.add(study(r));
            }
            return all;
        });
    }

    /** Deletes a study and its trials; false when there was none. */
    public boolean delete(String name) {
        return db.update("delete study " + name, "DELETE FROM studies WHERE name = ?", name) > 0;
    }

    /** The study's trials by number, as one committed state. */
    public List<Trial> trials(String study) {
        return db.read("read the trials of " + study, c -> trials(c, study));
    }

    /** The values the study's trials reported, by trial and step. */
    public List<Value> values(String study) {
        return db.read("read the trial values of " + study, c -> values(c, study));
    }

    /**
     * Records that {@code worker} still trains trial {@code number}; false when the trial is no longer RUNNING under
     * that worker (it was handed back after a missed heartbeat, or finished).
     */
    public boolean heartbeat(String study, int number, String worker) {
        return db.update("record a heartbeat of trial " + number + " of " + study, "UPDATE trials SET heartbeat = ? "
                + "WHERE study = ? AND number = ? AND state = 'RUNNING' AND worker = ?",
                System.currentTimeMillis(), study, number, worker) > 0;
    }

    /**
     * Runs {@code work} in one transaction that no other {@code locked} call on the same study overlaps, and commits
     * what it wrote when it returns (rolls back when it throws).
     *
     * @throws UserException when the study does not exist
     */
    public <T> T locked(String study, Function<Tx, T> work) {
        Connection c = db.connect();
        try {
            c.setAutoCommit(false);
            try (PreparedStatement s = RegistryDatabase.prepare(c,
                    "UPDATE studies SET lock_seq = lock_seq + 1 WHERE name = ?", study)) {
                if (s.executeUpdate() == 0) {
                    throw new UserException("no study called " + study + " in the registry " + db.location()
                            + ": give a study's name (histoscale search list)");
                }
            }
            T result = work.apply(new Tx(c, study));
            c.commit();
            return result;
        } catch (SQLException e) {
            throw db.failure("update study " + study, e);
        } catch (Tx.Failed e) {
            throw db.failure("update study " + study, e.sql);
        } finally {
            RegistryDatabase.release(c);
        }
    }

    /** What a {@link #locked} transaction may read and write. */
    public final class Tx {
        private final Connection c;
        private final String study;

        private Tx(Connection c, String study) {
            this.c = c;
            this.study = study;
        }

        public List<Trial> trials() {
            try {
                return Studies.trials(c, study);
            } catch (SQLException e) {
                throw new Failed(e);
            }
        }

        public List<Value> values() {
            try {
                return Studies.values(c, study);
            } catch (SQLException e) {
                throw new Failed(e);
            }
        }

        /** Writes a trial: a new one, or the new state of one that exists. */
        public void put(Trial t) {
            try {
                Object[] fields = {t.state(), t.params(), t.value(), t.runId(), t.worker(), t.attempts(),
                        millis(t.heartbeat()), millis(t.createdAt()), millis(t.startedAt()), millis(t.endedAt()),
                        t.epochs(), t.message(), study, t.number()};
                try (PreparedStatement s = RegistryDatabase.prepare(c, "UPDATE trials SET state = ?, params = ?, "
                        + "value = ?, run_id = ?, worker = ?, attempts = ?, heartbeat = ?, created_at = ?, "
                        + "started_at = ?, ended_at = ?, epochs = ?, message = ? WHERE study = ? AND number = ?",
                        fields)) {
                    if (s.executeUpdate() > 0) return;
                }
                try (PreparedStatement s = RegistryDatabase.prepare(c, "INSERT INTO trials (state, params, value, "
                        + "run_id, worker, attempts, heartbeat, created_at, started_at, ended_at, epochs, message, "
                        + "study, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fields)) {
                    s.executeUpdate();
                }
            } catch (SQLException e) {
                throw new Failed(e);
            }
        }

        /** Records the value trial {@code number} reported at {@code step}, replacing one reported before. */
        public void report(int number, int step, double value) {
            try {
                try (PreparedStatement s = RegistryDatabase.prepare(c,
                        "DELETE FROM trial_values WHERE study = ? AND number = ? AND step = ?", study, number, step)) {
                    s.executeUpdate();
                }
                try (PreparedStatement s = RegistryDatabase.prepare(c,
                        "INSERT INTO trial_values (study, number, step, value) VALUES (?, ?, ?, ?)",
                        study, number, step, value)) {
                    s.executeUpdate();
                }
            } catch (SQLException e) {
                throw new Failed(e);
            }
        }

        /** An SQL failure inside the transaction, turned into one line by {@link #locked}. */
        private static final class Failed extends RuntimeException {
            final SQLException sql;

            Failed(SQLException sql) {
                super(sql);
                this.sql = sql;
            }
        }
    }

    private static Study study(ResultSet r) throws SQLException {
        return new Study(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3));
    }

    private static List<Trial> trials(Connection c, String study) throws SQLException {
        List<Trial> all = new ArrayList<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT number, state, params, value, run_id, worker, "
                + "attempts, heartbeat, created_at, started_at, ended_at, epochs, message FROM trials "
                + "WHERE study = ? ORDER BY number", study);
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                double v = r.getDouble(4);
                Double value = r.wasNull() ? null : v;
                all.add(new Trial(study, r.getInt(1), r.getString(2), r.getString(3), value, r.getString(5),
                        r.getString(6), r.getInt(7), instant(r, 8), instant(r, 9), instant(r, 10), instant(r, 11),
                        r.getInt(12), r.getString(13)));
            }
        }
        return all;
    }

    private static List<Value> values(Connection c, String study) throws SQLException {
        List<Value> all = new ArrayList<>();
        try (PreparedStatement s = RegistryDatabase.prepare(c,
                "SELECT number, step, value FROM trial_values WHERE study = ? ORDER BY number, step", study);
             ResultSet r = s.executeQuery()) {
            while (r.next()) all.add(new Value(r.getInt(1), r.getInt(2), r.getDouble(3)));
        }
        return all;
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long ms = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }
}
