package io.histoscale.core;

import java.util.Optional;

/**
 * A problem with what the user gave us (a path, a slide, an annotation, a configuration).
 *
 * <p>The message names the thing and says what to do; the command line prints it as one line, without a stack
 * trace, and exits with status 2. Anything else that escapes is a bug in HistoScale and is printed in full.
 *
 * <p>A bad configuration value is raised with {@link #forKey}: the message starts with the configuration key
 * ({@code learning_rate -1.0: give a positive rate}), and {@link #key()} names it, so that each front end can word it
 * for its own user (the command line as {@code --lr}, a web form as the field's label).
 */
public class UserException extends RuntimeException {

    private final String key;

    public UserException(String message) {
        this(null, message, null);
    }

    public UserException(String message, Throwable cause) {
        this(null, message, cause);
    }

    private UserException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /**
     * A bad value of configuration key {@code key}; the message is {@code key + " " + detail}.
     *
     * @param detail what is wrong and what to give instead, e.g. {@code "-1.0: give a positive rate"}
     */
    public static UserException forKey(String key, String detail) {
        return new UserException(key, key + " " + detail, null);
    }

    /**
     * This problem placed in {@code where} (a file, say): the same key and message, followed by {@code (in where)}
     * unless the message already names it.
     */
    public UserException in(String where) {
        String message = getMessage();
        return message.contains(where) ? this : new UserException(key, message + " (in " + where + ")", this);
    }

    /**
     * A problem with the setting {@code key} told in a sentence of its own ({@code cannot write the run registry
     * runs.db: ...; give a writable file}); a front end may add how its user gives that setting.
     */
    public static UserException about(String key, String message, Throwable cause) {
        return new UserException(key, message, cause);
    }

    /** The configuration key the message is about, when it is about one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The message after the key ({@code -1.0: give a positive rate}); the whole message when there is no key. */
    public String detail() {
        String message = getMessage();
        return key != null && message.startsWith(key + " ") ? message.substring(key.length() + 1) : message;
    }
}
