package io.histoscale.search.space;

import java.util.List;
import java.util.Objects;

/**
 * When a parameter takes part in a trial: only when its parent parameter took one of {@code values} (an architecture
 * choice bringing its own parameters; SGD bringing momentum).
 */
public record Condition(String parent, List<Object> values) {

    public Condition {
        Objects.requireNonNull(parent, "parent");
        values = List.copyOf(values);
    }

    /** Whether a parent value satisfies the condition (numbers compared by value: 4 equals 4.0). */
    public boolean holds(Object parentValue) {
        if (parentValue == null) {
            return false;
        }
        for (Object v : values) {
            if (Values.same(v, parentValue)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return parent + " in " + values;
    }
}
