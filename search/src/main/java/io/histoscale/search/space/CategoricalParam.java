package io.histoscale.search.space;

import java.util.List;

/** One of a list of choices (strings, numbers or booleans), unordered. */
public record CategoricalParam(String name, List<Object> choices, Condition condition) implements Param {

    public CategoricalParam {
        choices = List.copyOf(choices);
    }

    /** The position of {@code value} among the choices, or -1. */
    public int indexOf(Object value) {
        for (int i = 0; i < choices.size(); i++) {
            if (Values.same(choices.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean contains(Object value) {
        return indexOf(value) >= 0;
    }
}
