package io.histoscale.search.scheduler;

import io.histoscale.core.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning"). Rungs
 * are at {@code min_epochs × eta^k} epochs; a trial reaching a rung trains on only when its value there is among
 * the best {@code 1/eta} of all values reported at that rung so far (the best one of them, while fewer than
 * {@code eta} have reported), else it is stopped. Decisions never wait for other trials, so no worker idles.
 */
public final class Asha implements Scheduler {

    private final int minEpochs;
    private final int eta;
    private final IntPredicate sameBracket;

    /**
     * @param minEpochs   the first rung
     * @param eta         the reduction factor: a rung keeps 1/eta of the trials
     * @param sameBracket which trials compete with each other (all, for plain ASHA)
     */
    Asha(int minEpochs, int eta, IntPredicate sameBracket) {
        this.minEpochs = minEpochs;
        this.eta = eta;
        this.sameBracket = sameBracket;
    }

    public Asha(int minEpochs, int eta) {
        this(minEpochs, eta, n -> true);
    }

    /** Whether {@code epoch} is a rung. */
    boolean isRung(int epoch) {
        for (long r = minEpochs; r <= epoch; r *= eta) {
            if (r == epoch) return true;
        }
        return false;
    }

    @Override
    public boolean keepGoing(int number, int epoch, Reports reports) {
        if (!isRung(epoch)) {
            return true;
        }
        Double mine = reports.of(number).get(epoch);
        if (mine == null) {
            return true;
        }
        List<Double> rung = new ArrayList<>();
        for (int t : reports.trials()) {
            if (!sameBracket.test(t)) continue;
            Double v = reports.of(t).get(epoch);
            if (v != null) rung.add(v);
        }
        int better = 0;
        for (double v : rung) {
            if (v < mine) better++;
        }
        int kept = Math.max(1, rung.size() / eta);
        return better < kept;
    }

    static int eta(Settings s) {
        int eta = s.integer("eta", 3);
        Settings.check("eta", eta, eta >= 2, "give 2 or more");
        return eta;
    }

    static int minEpochs(Settings s, int maxEpochs) {
        int min = s.integer("min_epochs", 1);
        Settings.check("min_epochs", min, min >= 1 && min <= maxEpochs, "give 1 up to the trials' epochs ("
                + maxEpochs + ")");
        return min;
    }

    /** {@code --scheduler asha}: settings {@code min_epochs} (1), {@code eta} (3). */
    public static final class Factory implements SchedulerFactory {
        @Override
        public String name() {
            return "asha";
        }

        @Override
        public String description() {
            return "asynchronous successive halving: rungs at min_epochs x eta^k, 1/eta of a rung trains on";
        }

        @Override
        public Scheduler create(Settings settings, int maxEpochs) {
            int eta = eta(settings);
            return new Asha(minEpochs(settings, maxEpochs), eta);
        }
    }
}
