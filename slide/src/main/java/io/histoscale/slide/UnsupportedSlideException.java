package io.histoscale.slide;

import io.histoscale.core.UserException;

/**
 * A file that one reader does not read, though another reader may: not its format, or a variant of it the reader
 * cannot decode. A truncated or corrupt slide is a plain {@link UserException} instead: no other reader will do
 * better.
 */
public class UnsupportedSlideException extends UserException {

    public UnsupportedSlideException(String message) {
        super(message);
    }

    public UnsupportedSlideException(String message, Throwable cause) {
        super(message, cause);
    }
}
