package io.histoscale.search;

/** Where a trial of a study is. */
public enum TrialState {
    /** Proposed (or handed back after its worker died) and waiting for a worker. */
    WAITING,
    /** A worker trains it and beats its heart. */
    RUNNING,
    /** Trained to the end of its budget: its value is the metric of its best epoch. */
    COMPLETE,
    /** Stopped early by the scheduler: its value is the last one it reported. */
    PRUNED,
    /** Crashed, or its worker died too often. */
    FAILED;

    /** Whether the trial will not change any more. */
    public boolean finished() {
        return this == COMPLETE || this == PRUNED || this == FAILED;
    }
}
