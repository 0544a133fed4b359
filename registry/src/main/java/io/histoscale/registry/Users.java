package io.histoscale.registry;

import io.histoscale.core.Hashing;
import io.histoscale.core.UserException;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The users of the dashboard and its API, kept in the run registry: each with a {@link Role} and a password hash,
 * and their API tokens. Opened on the same location as {@link RunRegistry} (an SQLite file or a JDBC URL), whose
 * schema it brings up to date the same way.
 *
 * <p>The registry never sees a password: the caller hashes it (the server with Argon2id) and gives the hash, and
 * checks a password against {@link User#passwordHash()} itself. Nor is an API token stored: {@link #createToken}
 * returns it once and keeps only its SHA-256; {@link #userOfToken} hashes what it is given and looks that up.
 *
 * <p>Thread-safe: each call opens its own connection (reads on a read-only one), as {@link RunQueries} does.
 */
public final class Users {

    /** A user name: lower-case letters, digits, {@code . _ -}, starting with a letter, at most 64 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    /** What every API token starts with, so that one pasted in the wrong place is recognisable. */
    public static final String TOKEN_PREFIX = "hs_";
    /** How often a token's last use is written: at most once in this time, not on every request. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A user. {@code mustChangePassword}: the password was made for them (a one-time password) and should be
     * replaced.
     */
    public record User(String name, Role role, String passwordHash, Instant createdAt, boolean mustChangePassword) {
        @Override
        public String toString() {
            return "User[" + name + ", " + role + "]"; // never the hash
        }
    }

    /** An API token as stored: its SHA-256 (hex), whose it is, its label, when it was made and last used. */
    public record Token(String hash, String user, String label, Instant createdAt, Instant lastUsed) {
    }

    private final RegistryDatabase db;
    private final AuditLog audit;

    private Users(RegistryDatabase db) {
        this.db = db;
        this.audit = new AuditLog(db);
    }

    /** The users of the registry at {@code location}: a file path, a {@code jdbc:} URL, or null for the default. */
    public static Users open(String location) {
        return new Users(RegistryDatabase.open(location));
    }

    public String location() {
        return db.location();
    }

    /** The audit log of the same registry. */
    public AuditLog audit() {
        return audit;
    }

    // ---- users --------------------------------------------------------------------------------------------------

    /**
     * Adds user {@code name}.
     *
     * @param passwordHash the password as the caller hashed it (never the password)
     * @throws UserException keyed {@code user} when the name is not a valid one or is taken
     */
    public void add(String name, Role role, String passwordHash, boolean mustChangePassword) {
        checkName(name);
        requireHash(passwordHash);
        Connection c = db.connect();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "INSERT INTO users (name, role, password_hash, "
                + "created_at, must_change) VALUES (?,?,?,?,?)", name, role.name(), passwordHash,
                System.currentTimeMillis(), mustChangePassword)) {
            s.executeUpdate();
        } catch (SQLException e) {
            if (find(name).isPresent()) {
                throw UserException.forKey("user", name + " already exists; choose another name");
            }
            throw db.failure("add user " + name, e);
        } finally {
            RegistryDatabase.release(c);
        }
    }

    /**
     * Adds user {@code name} only if there is no user at all, in one statement (two servers starting at once on a
     * new registry cannot both add one).
     *
     * @return whether the user was added
     */
    public boolean addFirst(String name, Role role, String passwordHash, boolean mustChangePassword) {
        checkName(name);
        requireHash(passwordHash);
        Connection c = db.connect();
        try (PreparedStatement s = RegistryDatabase.prepare(c, "INSERT INTO users (name, role, password_hash, "
                        + "created_at, must_change) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)", name,
                role.name(), passwordHash, System.currentTimeMillis(), mustChangePassword)) {
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            if (!isEmpty()) return false;
            throw db.failure("add user " + name, e);
        } finally {
            RegistryDatabase.release(c);
        }
    }

    /** User {@code name}, if there is one. */
    public Optional<User> find(String name) {
        if (name == null) return Optional.empty();
        List<User> found = users("SELECT name, role, password_hash, created_at, must_change FROM users WHERE name = ?",
                name);
        return found.stream().findFirst();
    }

    /**
     * User {@code name}.
     *
     * @throws UserException keyed {@code user} when there is none
     */
    public User get(String name) {
        return find(name).orElseThrow(() -> UserException.forKey("user", name + " does not exist in "
                + location() + "; see the users there with: histoscale serve users list"));
    }

    /** Every user, by name. */
    public List<User> list() {
        return users("SELECT name, role, password_hash, created_at, must_change FROM users ORDER BY name");
    }

    /** Whether there is no user yet. */
    public boolean isEmpty() {
        return db.read("count users", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM users");
                 ResultSet r = s.executeQuery()) {
                return !r.next() || r.getLong(1) == 0;
            }
        });
    }

    /**
     * Replaces {@code name}'s password hash.
     *
     * @throws UserException keyed {@code user} when there is no such user
     */
    public void setPassword(String name, String passwordHash, boolean mustChangePassword) {
        requireHash(passwordHash);
        if (db.update("change the password of " + name, "UPDATE users SET password_hash = ?, must_change = ? "
                + "WHERE name = ?", passwordHash, mustChangePassword, name) == 0) {
            get(name);
        }
    }

    /**
     * Gives {@code name} another role.
     *
     * @throws UserException keyed {@code user} when there is no such user
     */
    public void setRole(String name, Role role) {
        if (db.update("change the role of " + name, "UPDATE users SET role = ? WHERE name = ?", role.name(),
                name) == 0) {
            get(name);
        }
    }

    /** Removes user {@code name} and their tokens; whether there was one. */
    public boolean remove(String name) {
        return db.update("remove user " + name, "DELETE FROM users WHERE name = ?", name) > 0;
    }

    // ---- API tokens ---------------------------------------------------------------------------------------------

    /**
     * A new API token for {@code user}: returned here, once; only its SHA-256 is kept.
     *
     * @param label what the token is for (a script, a notebook), or null
     * @throws UserException keyed {@code user} when there is no such user
     */
    public String createToken(String user, String label) {
        get(user);
        if (label != null && label.length() > 100) {
            throw UserException.forKey("label", "is " + label.length() + " characters long; give at most 100");
        }
        byte[] random = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(random);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        db.update("store an API token of " + user, "INSERT INTO api_tokens (token_hash, user_name, label, created_at) "
                + "VALUES (?,?,?,?)", tokenHash(token), user, AuditLog.clean(label, 100), System.currentTimeMillis());
        return token;
    }

    /**
     * The user whose API token {@code token} is, if it is one; records its use (at most once a minute, so that a
     * script's requests do not each write the registry).
     */
    public Optional<User> userOfToken(String token) {
        if (!plausibleToken(token)) return Optional.empty();
        String hash = tokenHash(token);
        record Found(User user, Long lastUsed) {
        }
        Optional<Found> found = db.read("look up an API token", c -> {
            try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT u.name, u.role, u.password_hash, "
                    + "u.created_at, u.must_change, t.last_used FROM api_tokens t JOIN users u ON u.name = t.user_name "
                    + "WHERE t.token_hash = ?", hash);
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                long lastUsed = r.getLong(6);
                return Optional.of(new Found(user(r), r.wasNull() ? null : lastUsed));
            }
        });
        if (found.isEmpty()) return Optional.empty();
        long now = System.currentTimeMillis();
        Long lastUsed = found.get().lastUsed();
        if (lastUsed == null || now - lastUsed >= LAST_USED_RESOLUTION.toMillis()) {
            db.update("record the use of an API token", "UPDATE api_tokens SET last_used = ? WHERE token_hash = ?", now,
                    hash);
        }
        return Optional.of(found.get().user());
    }

    /** {@code user}'s tokens (their hashes and labels), newest first. */
    public List<Token> tokens(String user) {
        return db.read("list API tokens", c -> {
            try (PreparedStatement s = RegistryDatabase.prepare(c, "SELECT token_hash, user_name, label, created_at, "
                    + "last_used FROM api_tokens WHERE user_name = ? ORDER BY created_at DESC", user);
                 ResultSet r = s.executeQuery()) {
                List<Token> tokens = new ArrayList<>();
                while (r.next()) {
                    long used = r.getLong(5);
                    Instant lastUsed = r.wasNull() ? null : Instant.ofEpochMilli(used);
                    tokens.add(new Token(r.getString(1), r.getString(2), r.getString(3),
                            Instant.ofEpochMilli(r.getLong(4)), lastUsed));
                }
                return List.copyOf(tokens);
            }
        });
    }

    /** Revokes the token whose SHA-256 is {@code hash}; whether there was one. */
    public boolean revokeToken(String hash) {
        return db.update("revoke an API token", "DELETE FROM api_tokens WHERE token_hash = ?", hash) > 0;
    }

    /** The SHA-256 (lower-case hex) of {@code token}: what is stored of it. */
    public static String tokenHash(String token) {
        return Hashing.sha256Hex(token);
    }

    private static boolean plausibleToken(String token) {
        return token != null && token.startsWith(TOKEN_PREFIX) && token.length() <= 200;
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw UserException.forKey("user", (name == null ? "(none)" : "\"" + name + "\"") + " is not a valid "
                    + "user name; use lower-case letters, digits, '.', '_' or '-', starting with a letter, at most 64");
        }
    }

    private static void requireHash(String passwordHash) {
        if (passwordHash == null || passwordHash.isBlank()) {
            throw new IllegalArgumentException("a user needs a password hash");
        }
    }

    private List<User> users(String sql, Object... args) {
        return db.read("read users", c -> {
            try (PreparedStatement s = RegistryDatabase.prepare(c, sql, args); ResultSet r = s.executeQuery()) {
                List<User> users = new ArrayList<>();
                while (r.next()) users.add(user(r));
                return List.copyOf(users);
            }
        });
    }

    private static User user(ResultSet r) throws SQLException {
        return new User(r.getString(1), Role.valueOf(r.getString(2)), r.getString(3),
                Instant.ofEpochMilli(r.getLong(4)), r.getBoolean(5));
    }
}
