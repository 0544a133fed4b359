package io.histoscale.search.scheduler;

import io.histoscale.core.Settings;

/**
 * Hyperband (Li et al. 2018) run asynchronously: brackets of successive halving that start pruning at
 * {@code min_epochs × eta^s} epochs, s = 0 (most aggressive) up to the largest such start within the trials' budget
 * (a bracket starting at the budget itself never prunes), trials dealt to brackets in turn by their number, and each
 * trial compared only with those of its own bracket. It hedges against a first rung too early to tell good trials
 * from bad.
 */
public final class Hyperband implements Scheduler {

    private final Asha[] brackets;

    Hyperband(int minEpochs, int eta, int maxEpochs) {
        int count = 1;
        for (long r = (long) minEpochs * eta; r <= maxEpochs; r *= eta) {
            count++;
        }
        brackets = new Asha[count];
        long start = minEpochs;
        for (int s = 0; s < count; s++) {
            int bracket = s;
            // a bracket whose first rung is the budget's last epoch never prunes (no decision is asked there)
            brackets[s] = new Asha((int) Math.min(Integer.MAX_VALUE, start), eta, t -> bracketOf(t) == bracket);
            start *= eta;
        }
    }

    /** The bracket trial {@code number} is dealt to. */
    int bracketOf(int number) {
        return Math.floorMod(number, brackets.length);
    }

    /** How many brackets there are. */
    int brackets() {
        return brackets.length;
    }

    @Override
    public boolean keepGoing(int number, int epoch, Reports reports) {
        return brackets[bracketOf(number)].keepGoing(number, epoch, reports);
    }

    /** {@code --scheduler hyperband}: settings {@code min_epochs} (1), {@code eta} (3). */
    public static final class Factory implements SchedulerFactory {
        @Override
        public String name() {
            return "hyperband";
        }

        @Override
        public String description() {
            return "asynchronous Hyperband: successive-halving brackets from min_epochs x eta^s, trials dealt in turn";
        }

        @Override
        public Scheduler create(Settings settings, int maxEpochs) {
            int eta = Asha.eta(settings);
            return new Hyperband(Asha.minEpochs(settings, maxEpochs), eta, maxEpochs);
        }
    }
}
