package io.histoscale.search.scheduler;

/**
 * Decides, each time a trial reports its validation value after an epoch, whether it trains on or is stopped
 * (PRUNED). Like a sampler it keeps no state: the decision is a function of every value the study's trials reported,
 * so workers anywhere decide alike.
 */
public interface Scheduler {

    /**
     * Whether trial {@code number} should train on after its report at {@code epoch}.
     *
     * @param reports every trial's reported losses (lower is better), this report included
     */
    boolean keepGoing(int number, int epoch, Reports reports);
}
