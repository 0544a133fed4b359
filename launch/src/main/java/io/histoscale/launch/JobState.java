package io.histoscale.launch;

import io.histoscale.registry.RunStatus;

/**
 * A job (or array task) as its executor sees it.
 *
 * @param detail the scheduler's own word for it (Slurm: TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, …), for messages
 */
public record JobState(RunStatus status, Integer exitCode, String detail) {
}
