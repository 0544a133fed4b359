package io.histoscale.search.space;

import io.histoscale.core.UserException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters a search varies, parents before the parameters that depend on them. Immutable. Read one from YAML
 * with {@link SpaceFile#read}.
 */
public final class SearchSpace {

    private final List<Param> params;
    private final Map<String, Param> byName;

    /**
     * @param params the parameters in any order; each condition's parent must be among them
     * @throws UserException for a repeated name, a missing parent or a cycle of conditions
     */
    public SearchSpace(List<? extends Param> params) {
        Map<String, Param> named = new LinkedHashMap<>();
        for (Param p : params) {
            if (named.put(p.name(), p) != null) {
                throw Values.bad(p.name(), "given twice: give each parameter once");
            }
        }
        for (Param p : params) {
            Condition c = p.condition();
            if (c != null && !named.containsKey(c.parent())) {
                throw Values.bad(p.name(), "its condition names '" + c.parent()
                        + "', which is not a parameter of the space: define " + c.parent() + " or drop the condition");
            }
            if (c != null && !(named.get(c.parent()) instanceof CategoricalParam)
                    && !(named.get(c.parent()) instanceof FixedParam)) {
                throw Values.bad(p.name(), "its condition's parent '" + c.parent()
                        + "' is a range: a condition needs a categorical (or fixed) parent");
            }
        }
        List<Param> ordered = new ArrayList<>();
        Map<String, Boolean> visiting = new LinkedHashMap<>();
        for (Param p : params) {
            order(p, named, visiting, ordered);
        }
        this.params = Collections.unmodifiableList(ordered);
        this.byName = Collections.unmodifiableMap(named);
    }

    private static void order(Param p, Map<String, Param> named, Map<String, Boolean> visiting, List<Param> out) {
        Boolean state = visiting.get(p.name());
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(state)) {
            throw Values.bad(p.name(), "its conditions form a cycle: a parameter cannot depend on itself");
        }
        visiting.put(p.name(), false);
        if (p.condition() != null) {
            order(named.get(p.condition().parent()), named, visiting, out);
        }
        visiting.put(p.name(), true);
        out.add(p);
    }

    /** The parameters, every parent before its children. */
    public List<Param> params() {
        return params;
    }

    /** The parameter called {@code name}, or null. */
    public Param param(String name) {
        return byName.get(name);
    }

    /** Whether {@code p} takes part in a trial that assigned the (parent) values {@code assigned}. */
    public boolean isActive(Param p, Map<String, ?> assigned) {
        return p.condition() == null || p.condition().holds(assigned.get(p.condition().parent()));
    }

    /**
     * A trial's parameters: walks the space in order and asks {@code choose} for the value of each active parameter
     * (fixed ones take their value without asking).
     */
    public Map<String, Object> assign(Function<Param, Object> choose) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : params) {
            if (!isActive(p, values)) {
                continue;
            }
            Object v = p instanceof FixedParam f ? f.value() : choose.apply(p);
            values.put(p.name(), v);
        }
        return values;
    }

    /** Whether {@code values} assigns exactly the active parameters, each a value it can take. */
    public boolean isValid(Map<String, ?> values) {
        int active = 0;
        for (Param p : params) {
            if (!isActive(p, values)) {
                if (values.containsKey(p.name())) return false;
                continue;
            }
            active++;
            if (!p.contains(values.get(p.name()))) return false;
        }
        return active == values.size();
    }

    /** The numeric parameters. */
    public List<NumericParam> numeric() {
        return params.stream().filter(NumericParam.class::isInstance).map(NumericParam.class::cast).toList();
    }

    @Override
    public String toString() {
        return params.toString();
    }
}
