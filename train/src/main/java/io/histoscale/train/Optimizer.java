package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The optimiser of a training run. */
public enum Optimizer {
    /** Adam with decoupled L2 weight decay. */
    ADAM,
    /** Stochastic gradient descent with momentum and weight decay. */
    SGD;

    /** The name in configuration files and on the command line: {@code adam}, {@code sgd}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Optimizer::id).toList();
    }

    /** @throws UserException keyed {@code optimizer} for an unknown name */
    @JsonCreator
    public static Optimizer parse(String text) {
        for (Optimizer o : values()) {
            if (o.id().equalsIgnoreCase(text.strip())) {
                return o;
            }
        }
        throw UserException.forKey("optimizer", "'" + text + "': expected one of " + ids());
    }
}
