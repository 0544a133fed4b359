package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The shape of the learning rate after the warm-up ({@link LearningRateSchedule}). */
public enum Schedule {
    /** Cosine annealing to 0 at the end of the training budget. */
    COSINE,
    /** Multiplied by {@code gamma} every {@code step_epochs} epochs. */
    STEP,
    /** The peak rate throughout. */
    CONSTANT;

    /** The name in configuration files and on the command line: {@code cosine}, {@code step}, {@code constant}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Schedule::id).toList();
    }

    /** @throws UserException keyed {@code schedule} for an unknown name */
    @JsonCreator
    public static Schedule parse(String text) {
        for (Schedule s : values()) {
            if (s.id().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw UserException.forKey("schedule", "'" + text + "': expected one of " + ids());
    }
}
