package io.histoscale.dataset.store;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A patch store could not be written: a full disk, a quota, a read-only or vanished file system. Nothing the store
 * had committed is lost (the slide being written is discarded whole), and nothing more can go into it until the
 * user frees space or writes elsewhere; a tiling run stops at the first one rather than failing slide after slide.
 */
public final class StoreWriteException extends UserException {

    private StoreWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The failure to write {@code store} while {@code doing} (e.g. "writing slide x"), for {@code cause}. */
    static StoreWriteException of(Path store, String doing, Throwable cause) {
        return new StoreWriteException("Cannot write to patch store " + store + " (" + reason(cause) + ") while "
                + doing + ". What the store had committed is kept and readable; free space on its disk (or make it "
                + "writable), then try again, or write to another store.", cause);
    }

    /** "No space left on device": the operating system's words, without the file name the message already gives. */
    private static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
            if (t instanceof IOException io && io.getMessage() != null) return io.getMessage();
        }
        return String.valueOf(cause);
    }
}
