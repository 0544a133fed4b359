package io.histoscale.server.auth;

import io.histoscale.registry.Role;
import io.histoscale.registry.Users;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/** The first user of a new server, so that someone can log in at all. */
public final class Bootstrap {

    /** The first administrator's name. */
    public static final String ADMIN = "admin";
    /** Letters and digits that cannot be mistaken for one another when read off a terminal. */
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final int PASSWORD_LENGTH = 20; // ~115 bits
    private static final SecureRandom RANDOM = new SecureRandom();

    private Bootstrap() {
    }

    /**
     * When there is no user yet, adds {@code admin} (role ADMIN) with a random one-time password, marked to be
     * changed, and returns that password for the caller to show once; empty when there already are users (then
     * nothing changes). Safe against two servers starting at once: only one adds the user.
     */
    public static Optional<String> firstAdmin(Users users) {
        if (!users.isEmpty()) return Optional.empty();
        char[] password = new char[PASSWORD_LENGTH];
        for (int i = 0; i < password.length; i++) password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        try {
            if (!users.addFirst(ADMIN, Role.ADMIN, Passwords.hash(password), true)) return Optional.empty();
            users.audit().append(null, null, "user-add", ADMIN, "ok (first administrator, one-time password)");
            return Optional.of(new String(password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
