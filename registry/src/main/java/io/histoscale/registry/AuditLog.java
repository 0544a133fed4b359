package io.histoscale.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Who did what, from where, and how it ended: logins and logouts of the dashboard and its own actions (a run
 * submitted or cancelled, a slide opened), kept in the registry's {@code audit} table. Entries are only ever added.
 *
 * <p>Thread-safe: each call opens its own connection, as {@link RunQueries} does. Text is kept to one line (control
 * characters become spaces) and cut to the column's length, so that an entry cannot forge another.
 */
public final class AuditLog {

    /** One entry; {@code user}, {@code address} and {@code target} may be null. */
    public record Entry(long id, Instant at, String user, String address, String action, String target,
                        String outcome) {
    }

    private static final int CONFLICT_RETRIES = 10;

    private final RegistryDatabase db;

    AuditLog(RegistryDatabase db) {
        this.db = db;
    }

    /** The audit log of the registry at {@code location} (a file path, a {@code jdbc:} URL, or null for the default). */
    public static AuditLog open(String location) {
        return new AuditLog(RegistryDatabase.open(location));
    }

    /**
     * Adds an entry dated now.
     *
     * @param user    who acted (or tried to: the name given at a failed login); null when unknown
     * @param address the client's address; null when not over the network
     * @param action  what was done: {@code login}, {@code logout}, {@code submit}, …
     * @param target  what it was done to (a run id, a slide), or null
     * @param outcome how it ended: {@code ok}, or why not
     * @throws io.histoscale.core.UserException when the registry cannot be written
     */
    public void append(String user, String address, String action, String target, String outcome) {
        append(Instant.now(), user, address, action, target, outcome);
    }

    /** {@link #append(String, String, String, String, String)} dated {@code at}. */
    public void append(Instant at, String user, String address, String action, String target, String outcome) {
        Object[] args = {at.toEpochMilli(), clean(user, 64), clean(address, 64), clean(action, 64),
                clean(target, 2000), clean(outcome, 255)};
        if (args[3] == null) throw new IllegalArgumentException("an audit entry needs an action");
        if (args[5] == null) args[5] = "";
        // The next id is taken in the insert itself: SQLite runs it under its write lock; PostgreSQL may let two
        // writers take the same one, and the loser, refused by the primary key, tries again.
        String sql = "INSERT INTO audit (id, at, user_name, address, action, target, outcome) "
                + "SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM audit";
        for (int attempt = 1; ; attempt++) {
            Connection c = db.connect();
            try (PreparedStatement s = RegistryDatabase.prepare(c, sql, args)) {
                s.executeUpdate();
                return;
            } catch (SQLException e) {
                if (attempt >= CONFLICT_RETRIES || !isConflict(e)) throw db.failure("write the audit log", e);
            } finally {
                RegistryDatabase.release(c);
            }
        }
    }

    /** The newest {@code limit} entries, newest first. */
    public List<Entry> recent(int limit) {
        return list(null, null, limit);
    }

    /**
     * The newest {@code limit} entries of {@code user} (null: anyone) with {@code action} (null: any), newest first.
     */
    public List<Entry> list(String user, String action, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at, user_name, address, action, target, outcome FROM audit");
        List<Object> args = new ArrayList<>();
        String join = " WHERE ";
        if (user != null) {
            sql.append(join).append("user_name = ?");
            args.add(user);
            join = " AND ";
        }
        if (action != null) {
            sql.append(join).append("action = ?");
            args.add(action);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(Math.max(0, limit));
        Connection c = db.connectReadOnly();
        try (PreparedStatement s = RegistryDatabase.prepare(c, sql.toString(), args.toArray());
             ResultSet r = s.executeQuery()) {
            List<Entry> entries = new ArrayList<>();
            while (r.next()) {
                entries.add(new Entry(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getString(7)));
            }
            return List.copyOf(entries);
        } catch (SQLException e) {
            throw db.failure("read the audit log", e);
        } finally {
            RegistryDatabase.release(c);
        }
    }

    /** A primary-key clash: SQLite's SQLITE_CONSTRAINT, or SQL state 23505 (unique violation). */
    private static boolean isConflict(SQLException e) {
        return "23505".equals(e.getSQLState()) || (e.getErrorCode() & 0xFF) == 19;
    }

    /** {@code text} on one line and at most {@code max} characters; null stays null. */
    static String clean(String text, int max) {
        if (text == null) return null;
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char ch = text.charAt(i);
            b.append(Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' ? ' ' : ch);
        }
        return b.toString();
    }
}
