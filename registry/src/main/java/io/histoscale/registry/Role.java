package io.histoscale.registry;

import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a user of the dashboard may do, each role including the ones before it: a {@link #VIEWER} reads runs, slides
 * and stages; a {@link #RESEARCHER} also submits and cancels runs; an {@link #ADMIN} also manages users.
 */
public enum Role {
    VIEWER,
    RESEARCHER,
    ADMIN;

    /** Whether this role includes {@code needed}. */
    public boolean atLeast(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The role's name as users type it: {@code viewer}, {@code researcher}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code text}, in any case.
     *
     * @throws UserException keyed {@code role} when no role has that name
     */
    public static Role parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.name().equals(t)) return r;
        }
        throw UserException.forKey("role", (text == null ? "(none)" : text) + " is not a role; give one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
    }
}
