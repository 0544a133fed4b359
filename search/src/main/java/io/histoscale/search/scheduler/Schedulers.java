package io.histoscale.search.scheduler;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The schedulers registered as {@link SchedulerFactory} services, by name. */
public final class Schedulers {

    private Schedulers() {
    }

    public static Map<String, SchedulerFactory> all() {
        Map<String, SchedulerFactory> byName = new LinkedHashMap<>();
        for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class, Schedulers.class.getClassLoader())) {
            byName.putIfAbsent(f.name(), f);
        }
        return byName;
    }

    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    /** @throws UserException keyed {@code scheduler} for an unknown name, or by a bad setting */
    public static Scheduler create(String name, Map<String, ?> settings, int maxEpochs) {
        SchedulerFactory f = all().get(name);
        if (f == null) {
            throw UserException.forKey("scheduler", "'" + name + "' is not one of " + names());
        }
        Settings s = new Settings("scheduler " + name, settings);
        Scheduler scheduler = f.create(s, maxEpochs);
        s.requireAllRead();
        return scheduler;
    }
}
