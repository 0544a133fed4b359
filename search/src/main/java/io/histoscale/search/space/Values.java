package io.histoscale.search.space;

/** Comparing parameter values as YAML and JSON give them: numbers by value, the rest by equality. */
final class Values {

    private Values() {
    }

    /** A mistake about parameter {@code name}: {@code name: detail}, keyed by the name. */
    static io.histoscale.core.UserException bad(String name, String detail) {
        return io.histoscale.core.UserException.about(name, name + ": " + detail, null);
    }

    static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a != null && a.equals(b);
    }
}
