package io.histoscale.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed view of a configuration map ({@code key -> number, flag or text}), as a YAML plan section, a web form or a
 * federated task carries it. Each getter reads one key, converting and checking its value, and remembers that the
 * key was read, so that {@link #requireAllRead()} can name a misspelt or foreign key instead of ignoring it.
 *
 * <p>Errors are {@link UserException#forKey keyed}: the message starts with the key, so each front end can word it
 * for its own user. Keys are snake_case.
 */
public final class Settings {

    private final String owner;
    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();

    /**
     * @param owner  what the settings configure, for messages ("strategy fedavg", "the task")
     * @param values the map; null values count as absent
     */
    public Settings(String owner, Map<String, ?> values) {
        this.owner = owner;
        this.values = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                this.values.put(k, v);
            }
        });
    }

    /** The keys present. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A number, {@code fallback} when absent. */
    public double number(String key, double fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            throw UserException.forKey(key, "'" + v + "' is not a number (" + owner + ")");
        }
    }

    /** A whole number, {@code fallback} when absent. */
    public int integer(String key, int fallback) {
        double d = number(key, fallback);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw UserException.forKey(key, d + " is not a whole number (" + owner + ")");
        }
        return (int) d;
    }

    /** A long whole number, {@code fallback} when absent. */
    public long longInteger(String key, long fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        double d = number(key, fallback);
        if (d != Math.rint(d)) {
            throw UserException.forKey(key, d + " is not a whole number (" + owner + ")");
        }
        return (long) d;
    }

    /** A flag ({@code true}/{@code false}), {@code fallback} when absent. */
    public boolean flag(String key, boolean fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw UserException.forKey(key, "'" + v + "' is not true or false (" + owner + ")");
        };
    }

    /** A text, {@code fallback} when absent. */
    public String text(String key, String fallback) {
        read.add(key);
        Object v = values.get(key);
        return v == null ? fallback : v.toString();
    }

    /** A value checked by {@code ok}, else a keyed error ending with {@code expected}. */
    public static double check(String key, double value, boolean ok, String expected) {
        if (!ok) {
            throw UserException.forKey(key, value + ": " + expected);
        }
        return value;
    }

    /**
     * @throws UserException naming the first key no getter has read: it is misspelt, or belongs elsewhere
     */
    public void requireAllRead() {
        List<String> unknown = new ArrayList<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw UserException.forKey(unknown.get(0), "is not a setting of " + owner + " (its settings: "
                    + String.join(", ", new TreeSet<>(read)) + ")");
        }
    }
}
