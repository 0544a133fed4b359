package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The strategies registered as {@link StrategyFactory} services, by name. */
public final class Strategies {

    private Strategies() {
    }

    /** Every registered factory, by name, in registration order. */
    public static Map<String, StrategyFactory> all() {
        Map<String, StrategyFactory> byName = new LinkedHashMap<>();
        for (StrategyFactory f : ServiceLoader.load(StrategyFactory.class, Strategies.class.getClassLoader())) {
            StrategyFactory clash = byName.putIfAbsent(f.name(), f);
            if (clash != null && clash.getClass() != f.getClass()) {
                throw new IllegalStateException("two strategies are called " + f.name() + ": "
                        + clash.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byName;
    }

    /** The registered names. */
    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    /**
     * @throws UserException keyed {@code strategy} for a name nobody registered
     */
    public static StrategyFactory factory(String name) {
        StrategyFactory f = all().get(name);
        if (f == null) {
            throw UserException.forKey("strategy", "'" + name + "' is not one of " + names());
        }
        return f;
    }

    /**
     * The strategy {@code name} with these settings.
     *
     * @throws UserException keyed by an unknown strategy, an unknown setting or one out of range
     */
    public static Strategy create(String name, Map<String, ?> settings) {
        StrategyFactory f = factory(name);
        Settings s = new Settings("strategy " + name, settings);
        Strategy strategy = f.create(s);
        s.requireAllRead();
        return strategy;
    }
}
