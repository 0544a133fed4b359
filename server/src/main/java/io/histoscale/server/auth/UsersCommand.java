package io.histoscale.server.auth;

import io.histoscale.cli.CommandGroup;
import io.histoscale.core.UserException;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * {@code histoscale serve users}: the dashboard's users in the run registry — add one (the password typed twice at
 * the terminal, or one line on standard input), list them, give one a new password, remove one, make an API token.
 */
@Command(name = "users", description = "Users of the dashboard and its API: add, list, passwd, remove, token.",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Passwd.class,
                UsersCommand.Remove.class, UsersCommand.Token.class})
public final class UsersCommand extends CommandGroup {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    /** --store, shared by the subcommands. */
    static class StoreOption {
        @Option(names = "--store", paramLabel = "FILE|JDBC_URL",
                description = "Run registry holding the users (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
        String store;

        Users users() {
            return Users.open(store);
        }

        /** Records what this command did, as done by the operating-system user running it. */
        void audit(Users users, String action, String target) {
            users.audit().append(System.getProperty("user.name") + " (command line)", null, action, target, "ok");
        }
    }

    @Command(name = "add", description = {"Adds a user; asks for the password twice (not shown), or reads one line "
            + "from standard input when it is not a terminal.", "Passwords have at least " + Passwords.MIN_LENGTH
            + " characters."})
    static final class Add extends StoreOption implements Runnable {
        @Parameters(paramLabel = "NAME", description = "User name: lower-case letters, digits, '.', '_', '-'.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "viewer|researcher|admin",
                description = "viewer reads; researcher also submits and cancels runs; admin also manages users.")
        String role;

        @Override
        public void run() {
            Role r = Role.parse(role);
            Users users = users();
            if (users.find(name).isPresent()) {
                throw UserException.forKey("user", name + " already exists; give another name, or a new password "
                        + "with: histoscale serve users passwd " + name);
            }
            users.add(name, r, newPasswordHash(name), false);
            audit(users, "user-add", name + " (" + r.label() + ")");
            System.out.println("added " + r.label() + " " + name + " to " + users.location());
        }
    }

    @Command(name = "list", description = "The users, their roles and API tokens.")
    static final class ListUsers extends StoreOption implements Runnable {
        @Override
        public void run() {
            Users users = users();
            System.out.printf("%-24s %-11s %-16s %6s  %s%n", "NAME", "ROLE", "CREATED", "TOKENS", "NOTE");
            for (Users.User u : users.list()) {
                System.out.printf("%-24s %-11s %-16s %6d  %s%n", u.name(), u.role().label(),
                        TIME.format(u.createdAt()), users.tokens(u.name()).size(),
                        u.mustChangePassword() ? "one-time password not changed yet" : "");
            }
            if (users.isEmpty()) {
                System.out.println("(no users in " + users.location() + "; add one with: histoscale serve users add "
                        + "NAME --role admin)");
            }
        }
    }

    @Command(name = "passwd", description = "Gives a user a new password (asked as for add).")
    static final class Passwd extends StoreOption implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            Users users = users();
            users.get(name);
            users.setPassword(name, newPasswordHash(name), false);
            audit(users, "password-set", name);
            System.out.println("new password set for " + name + " (sessions already open stay open until they end)");
        }
    }

    @Command(name = "remove", description = "Removes a user and their API tokens.")
    static final class Remove extends StoreOption implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            Users users = users();
            if (!users.remove(name)) users.get(name); // says there is no such user
            audit(users, "user-remove", name);
            System.out.println("removed " + name + " and their API tokens");
        }
    }

    @Command(name = "token", description = {"Makes an API token for a user and prints it, once: only its hash is "
            + "kept.", "Scripts send it as the header: Authorization: Bearer TOKEN"})
    static final class Token extends StoreOption implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--label", paramLabel = "TEXT", description = "What the token is for (a script, a notebook).")
        String label;

        @Override
        public void run() {
            Users users = users();
            String token = users.createToken(name, label);
            audit(users, "token-create", name + (label == null ? "" : " (" + label + ")"));
            System.out.println(token);
            System.err.println("This token is shown only now; keep it like a password.");
        }
    }

    /**
     * A new password for {@code user}: typed twice at the terminal without echo, or one line of standard input when
     * that is not a terminal.
     *
     * @throws UserException when none is given, the two differ, or it is too short
     */
    /** The hash of a new password read for {@code user}; the password itself is wiped once hashed. */
    static String newPasswordHash(String user) {
        char[] password = readNewPassword(user);
        try {
            return Passwords.hash(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    static char[] readNewPassword(String user) {
        Console console = System.console();
        char[] password;
        if (console != null) {
            password = console.readPassword("New password for %s: ", user);
            if (password == null) throw new UserException("no password given");
            Passwords.checkNew(password);
            char[] again = console.readPassword("The same again: ");
            try {
                if (!Arrays.equals(password, again)) {
                    Arrays.fill(password, '\0');
                    throw new UserException("the two passwords differ; nothing was changed, try again");
                }
            } finally {
                if (again != null) Arrays.fill(again, '\0');
            }
            return password;
        }
        String line;
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
            line = in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password from standard input", e);
        }
        if (line == null || line.isEmpty()) {
            throw new UserException("no password on standard input; type it at a terminal, or pipe it as one line");
        }
        password = line.toCharArray();
        Passwords.checkNew(password);
        return password;
    }
}
