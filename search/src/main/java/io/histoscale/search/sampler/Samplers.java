package io.histoscale.search.sampler;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The samplers registered as {@link SamplerFactory} services, by name. */
public final class Samplers {

    private Samplers() {
    }

    /** Every registered factory, by name, in registration order. */
    public static Map<String, SamplerFactory> all() {
        Map<String, SamplerFactory> byName = new LinkedHashMap<>();
        for (SamplerFactory f : ServiceLoader.load(SamplerFactory.class, Samplers.class.getClassLoader())) {
            byName.putIfAbsent(f.name(), f);
        }
        return byName;
    }

    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    /**
     * The sampler {@code name} with these settings.
     *
     * @throws UserException keyed {@code sampler} for a name nobody registered, or by a bad setting
     */
    public static Sampler create(String name, Map<String, ?> settings) {
        SamplerFactory f = all().get(name);
        if (f == null) {
            throw UserException.forKey("sampler", "'" + name + "' is not one of " + names());
        }
        Settings s = new Settings("sampler " + name, settings);
        Sampler sampler = f.create(s);
        s.requireAllRead();
        return sampler;
    }
}
