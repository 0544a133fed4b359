package io.histoscale;

/**
 * A problem with what the user gave us (a path, a slide, an annotation, a configuration).
 *
 * <p>The message names the thing and says what to do; the command line prints it as one line, without a stack
 * trace, and exits with status 2. Anything else that escapes is a bug in HistoScale and is printed in full.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
