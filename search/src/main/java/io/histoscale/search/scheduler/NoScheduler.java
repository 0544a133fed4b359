package io.histoscale.search.scheduler;

import io.histoscale.core.Settings;

/** Never stops a trial: every trial trains its whole budget. */
public final class NoScheduler implements Scheduler {

    @Override
    public boolean keepGoing(int number, int epoch, Reports reports) {
        return true;
    }

    /** {@code --scheduler none}. */
    public static final class Factory implements SchedulerFactory {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public String description() {
            return "every trial trains its whole budget";
        }

        @Override
        public Scheduler create(Settings settings, int maxEpochs) {
            return new NoScheduler();
        }
    }
}
