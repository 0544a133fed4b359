package io.histoscale.cli;

/**
 * A command that can be submitted to an executor ({@code --executor}) and can check its options before it is: a
 * wrong value is refused at once, with the message it would give when run here, instead of in a job that fails later.
 */
interface Submittable {

    /** Builds the command's request from its options, throwing what running it would throw for a bad one. */
    void checkBeforeSubmit();
}
