package io.histoscale.server.auth;

import io.histoscale.registry.AuditLog;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve users} with the password on standard input (no terminal here), and the first administrator. */
class UsersCommandTest {

    @TempDir
    Path dir;

    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final StringWriter errors = new StringWriter();

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    @Test
    void addsListsAndMakesTokensWithThePasswordFromStandardInput() {
        String db = dir.resolve("runs.db").toString();
        assertThat(run("a long password\n", "add", "ann", "--role", "Researcher", "--store", db)).startsWith(
                "added researcher ann to ");
        Users users = Users.open(db);
        Users.User ann = users.get("ann");
        assertThat(ann.role()).isEqualTo(Role.RESEARCHER);
        assertThat(ann.passwordHash()).startsWith("$argon2id$");
        assertThat(Passwords.verify("a long password".toCharArray(), ann.passwordHash())).isTrue();

        String token = run("", "token", "ann", "--label", "notebook", "--store", db).strip();
        assertThat(token).startsWith("hs_");
        assertThat(users.userOfToken(token)).map(Users.User::name).hasValue("ann");

        String list = run("", "list", "--store", db);
        assertThat(list).contains("NAME").containsPattern("ann\\s+researcher\\s+\\S+ \\S+\\s+1");

        assertThat(run("another long one\r\n", "passwd", "ann", "--store", db)).contains("new password set for ann");
        assertThat(Passwords.verify("another long one".toCharArray(), users.get("ann").passwordHash())).isTrue();
        assertThat(users.audit().recent(10)).extracting(AuditLog.Entry::action)
                .contains("user-add", "token-create", "password-set");
        assertThat(users.audit().recent(10).toString()).doesNotContain(token).doesNotContain("long password");

        assertThat(run("", "remove", "ann", "--store", db)).contains("removed ann");
        assertThat(users.find("ann")).isEmpty();
    }

    @Test
    void refusesShortPasswordsTakenNamesAndUnknownRolesInOneLine() {
        String db = dir.resolve("runs.db").toString();
        assertThat(fails("short\n", "add", "bob", "--role", "viewer", "--store", db))
                .isEqualTo("password is too short (5 characters); give at least 10");
        assertThat(fails("", "add", "bob", "--role", "viewer", "--store", db))
                .startsWith("no password on standard input");
        assertThat(fails("a long password\n", "add", "bob", "--role", "root", "--store", db))
                .isEqualTo("role root is not a role; give one of viewer, researcher, admin");
        assertThat(fails("a long password\n", "add", "Bob", "--role", "viewer", "--store", db))
                .contains("not a valid user name");
        assertThat(Users.open(db).list()).isEmpty();
        run("a long password\n", "add", "bob", "--role", "viewer", "--store", db);
        assertThat(fails("a long password\n", "add", "bob", "--role", "admin", "--store", db))
                .startsWith("user bob already exists");
        assertThat(fails("", "token", "carl", "--store", db)).contains("carl does not exist");
    }

    @Test
    void theFirstAdministratorIsMadeOnlyForAnEmptyRegistry() {
        Users users = Users.open(dir.resolve("runs.db").toString());
        Optional<String> password = Bootstrap.firstAdmin(users);
        assertThat(password).hasValueSatisfying(p -> assertThat(p).hasSize(20).matches("[A-Za-z0-9]+"));
        Users.User admin = users.get("admin");
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.mustChangePassword()).isTrue();
        assertThat(Passwords.verify(password.get().toCharArray(), admin.passwordHash())).isTrue();
        assertThat(Bootstrap.firstAdmin(users)).isEmpty();
        assertThat(users.list()).hasSize(1);
        assertThat(users.audit().recent(5).toString()).doesNotContain(password.get());
    }

    /** Runs the command with {@code input} on standard input; its standard output. */
    private String run(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int status = commandLine().execute(args);
        System.setOut(stdout);
        assertThat(status).as("status; errors: %s", errors).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Runs the command expecting it to fail; the error's message. */
    private String fails(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        String[] message = {null};
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            message[0] = ex.getMessage();
            return 2;
        });
        assertThat(cli.execute(args)).isEqualTo(2);
        return message[0];
    }

    private CommandLine commandLine() {
        CommandLine cli = new CommandLine(new UsersCommand());
        cli.setErr(new PrintWriter(errors, true));
        return cli;
    }
}
