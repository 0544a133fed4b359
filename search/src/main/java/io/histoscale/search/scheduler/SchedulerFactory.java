package io.histoscale.search.scheduler;

import io.histoscale.core.Settings;

/**
 * Makes one kind of {@link Scheduler} from its settings; found with {@link java.util.ServiceLoader} (one line in
 * {@code META-INF/services/io.histoscale.search.scheduler.SchedulerFactory}).
 */
public interface SchedulerFactory {

    /** The name {@code --scheduler} takes. */
    String name();

    /** One line for help and error texts. */
    String description();

    /**
     * The scheduler with these settings, for trials of at most {@code maxEpochs} epochs.
     *
     * @throws io.histoscale.core.UserException keyed by a setting out of range
     */
    Scheduler create(Settings settings, int maxEpochs);
}
