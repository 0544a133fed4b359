package io.histoscale.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * A submitted job: its id, the id and log of each task (one task unless it is an array), and the script that ran.
 */
public record Submission(String jobId, List<String> taskIds, List<Path> logs, Path script) {
}
