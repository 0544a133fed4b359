package io.histoscale.registry;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real SQLite registry: users with roles and hashes, API tokens kept only as hashes, the audit log. */
class UsersTest {

    @TempDir
    Path dir;

    @Test
    void storesFindsAndListsUsers() {
        String db = dir.resolve("runs.db").toString();
        Users users = Users.open(db);
        assertThat(users.isEmpty()).isTrue();
        users.add("zoe", Role.VIEWER, "$argon2id$hash-of-zoe", false);
        users.add("ada", Role.ADMIN, "$argon2id$hash-of-ada", true);
        assertThat(users.isEmpty()).isFalse();

        // a second open (as another process would) sees them
        Users again = Users.open(db);
        Users.User ada = again.find("ada").orElseThrow();
        assertThat(ada.role()).isEqualTo(Role.ADMIN);
        assertThat(ada.passwordHash()).isEqualTo("$argon2id$hash-of-ada");
        assertThat(ada.mustChangePassword()).isTrue();
        assertThat(ada.createdAt()).isBefore(Instant.now().plusSeconds(1));
        assertThat(ada.toString()).doesNotContain("hash-of-ada");
        assertThat(again.list()).extracting(Users.User::name).containsExactly("ada", "zoe");
        assertThat(again.find("nobody")).isEmpty();

        again.setRole("zoe", Role.RESEARCHER);
        again.setPassword("ada", "$argon2id$new", false);
        assertThat(users.get("zoe").role()).isEqualTo(Role.RESEARCHER);
        assertThat(users.get("ada").passwordHash()).isEqualTo("$argon2id$new");
        assertThat(users.get("ada").mustChangePassword()).isFalse();
        assertThat(users.remove("zoe")).isTrue();
        assertThat(users.remove("zoe")).isFalse();
        assertThat(users.list()).extracting(Users.User::name).containsExactly("ada");
    }

    @Test
    void refusesTakenAndInvalidNamesWithOneClearError() {
        Users users = Users.open(dir.resolve("runs.db").toString());
        users.add("bob", Role.VIEWER, "h", false);
        assertThatThrownBy(() -> users.add("bob", Role.ADMIN, "h2", false)).isInstanceOf(UserException.class)
                .hasMessage("user bob already exists; choose another name");
        for (String bad : new String[] {"Bob", "", "1abc", "a b", "a/b", "x".repeat(65), "ü"}) {
            assertThatThrownBy(() -> users.add(bad, Role.VIEWER, "h", false)).isInstanceOf(UserException.class)
                    .hasMessageContaining("not a valid user name");
        }
        assertThatThrownBy(() -> users.get("carl")).isInstanceOf(UserException.class)
                .hasMessageContaining("carl does not exist");
        assertThatThrownBy(() -> users.setRole("carl", Role.ADMIN)).isInstanceOf(UserException.class);
        assertThat(users.get("bob").role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void theFirstUserIsAddedOnlyToAnEmptyRegistry() throws Exception {
        Users users = Users.open(dir.resolve("runs.db").toString());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String name = "admin" + i;
                tries.add(pool.submit(() -> users.addFirst(name, Role.ADMIN, "h", true)));
            }
            int added = 0;
            for (Future<Boolean> f : tries) added += f.get() ? 1 : 0;
            assertThat(added).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(users.list()).hasSize(1);
        assertThat(users.addFirst("other", Role.ADMIN, "h", true)).isFalse();
    }

    @Test
    void apiTokensAreStoredOnlyAsTheirHash() throws Exception {
        Path file = dir.resolve("runs.db");
        Users users = Users.open(file.toString());
        users.add("ann", Role.RESEARCHER, "h", false);
        String token = users.createToken("ann", "notebook");
        assertThat(token).startsWith("hs_").hasSizeGreaterThan(40);
        assertThat(users.createToken("ann", null)).isNotEqualTo(token);

        assertThat(users.userOfToken(token)).hasValueSatisfying(u -> {
            assertThat(u.name()).isEqualTo("ann");
            assertThat(u.role()).isEqualTo(Role.RESEARCHER);
        });
        assertThat(users.userOfToken(token + "x")).isEmpty();
        assertThat(users.userOfToken("hs_nope")).isEmpty();
        assertThat(users.userOfToken(null)).isEmpty();
        assertThat(users.userOfToken("")).isEmpty();

        List<Users.Token> tokens = users.tokens("ann");
        assertThat(tokens).hasSize(2);
        Users.Token first = tokens.stream().filter(t -> "notebook".equals(t.label())).findFirst().orElseThrow();
        assertThat(first.hash()).isEqualTo(Users.tokenHash(token)).hasSize(64);
        assertThat(first.lastUsed()).isNotNull(); // used above

        // the file holds the hash, never the token
        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(token)
                .contains(Users.tokenHash(token));

        assertThatThrownBy(() -> users.createToken("nobody", null)).isInstanceOf(UserException.class);
        assertThat(users.revokeToken(first.hash())).isTrue();
        assertThat(users.userOfToken(token)).isEmpty();

        // removing a user removes their tokens
        String other = users.createToken("ann", "other");
        users.remove("ann");
        assertThat(users.userOfToken(other)).isEmpty();
        assertThat(users.tokens("ann")).isEmpty();
    }

    @Test
    void auditEntriesAreAppendedInOrderAndKeptToOneLine() throws Exception {
        String db = dir.resolve("runs.db").toString();
        Users users = Users.open(db);
        AuditLog log = users.audit();
        log.append("ann", "10.0.0.1", "login", null, "ok");
        log.append("eve", "10.0.0.9", "login", null, "wrong password");
        log.append("ann", "10.0.0.1", "cancel", "train-abc123", "ok");
        log.append(null, null, "login", "x\nFORGED entry", "throttled\r\n");

        List<AuditLog.Entry> recent = AuditLog.open(db).recent(10);
        assertThat(recent).extracting(AuditLog.Entry::action).containsExactly("login", "cancel", "login", "login");
        assertThat(recent.get(0).target()).isEqualTo("x FORGED entry");
        assertThat(recent.get(0).outcome()).isEqualTo("throttled  ");
        assertThat(recent.get(0).user()).isNull();
        assertThat(recent).extracting(AuditLog.Entry::id).containsExactly(4L, 3L, 2L, 1L);
        assertThat(log.list("ann", null, 10)).extracting(AuditLog.Entry::action).containsExactly("cancel", "login");
        assertThat(log.list(null, "login", 1)).hasSize(1);
        assertThat(log.list("eve", "login", 10).get(0).address()).isEqualTo("10.0.0.9");

        // writers in several threads at once each get their own id
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                writes.add(pool.submit(() -> log.append("u" + n, null, "open", "slide" + n, "ok")));
            }
            for (Future<?> f : writes) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.list(null, "open", 100)).hasSize(40);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(DISTINCT id), MAX(id) FROM audit")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(44);
            assertThat(r.getLong(2)).isEqualTo(44);
        }
    }

    @Test
    void rolesAreOrderedAndParsedInAnyCase() {
        assertThat(Role.ADMIN.atLeast(Role.RESEARCHER)).isTrue();
        assertThat(Role.RESEARCHER.atLeast(Role.RESEARCHER)).isTrue();
        assertThat(Role.VIEWER.atLeast(Role.RESEARCHER)).isFalse();
        assertThat(Role.parse("Researcher")).isEqualTo(Role.RESEARCHER);
        assertThat(Role.RESEARCHER.label()).isEqualTo("researcher");
        assertThatThrownBy(() -> Role.parse("root")).isInstanceOf(UserException.class)
                .hasMessage("role root is not a role; give one of viewer, researcher, admin");
    }
}
