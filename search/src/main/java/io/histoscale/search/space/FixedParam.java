package io.histoscale.search.space;

/** A value every trial takes (a setting the search does not vary, such as the epoch budget). */
public record FixedParam(String name, Object value, Condition condition) implements Param {

    @Override
    public boolean contains(Object v) {
        return Values.same(value, v);
    }
}
