package io.histoscale.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Work for an executor: one command, or one command per task of an array; where its script and logs go; what it asks
 * of the scheduler. Build with {@code Job.builder().setName(..).setLogDir(..).addTask(argv)…build()}.
 */
public record Job(String name, List<List<String>> tasks, Path logDir, Path workDir, Map<String, String> environment,
                  Resources resources) {

    public static Builder builder() {
        return new Builder();
    }

    public boolean isArray() {
        return tasks.size() > 1;
    }

    /** Log of task {@code task} (a single job has task 0). */
    public Path log(int task) {
        return logOf(logDir, isArray(), task);
    }

    static Path logOf(Path logDir, boolean array, int task) {
        return logDir.resolve(array ? "task-" + task + ".log" : "job.log");
    }

    /** File the job script writes its exit status to, so an ended job's status survives the scheduler forgetting it. */
    public static Path exitFile(Path logDir, int task) {
        return logDir.resolve("exit-" + task);
    }

    public static final class Builder {
        private String name = "histoscale";
        private final List<List<String>> tasks = new ArrayList<>();
        private Path logDir;
        private Path workDir = Path.of(System.getProperty("user.dir"));
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Resources resources = Resources.DEFAULT;

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /** Adds a task running {@code argv}; a job with several tasks is an array. */
        public Builder addTask(List<String> argv) {
            tasks.add(List.copyOf(argv));
            return this;
        }

        public Builder setLogDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        public Builder optWorkDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder optEnvironment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder optResources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public Job build() {
            if (tasks.isEmpty()) throw new IllegalStateException("a job needs at least one task");
            if (logDir == null) throw new IllegalStateException("a job needs a log folder");
            return new Job(name, List.copyOf(tasks), logDir.toAbsolutePath(), workDir.toAbsolutePath(),
                    Map.copyOf(environment), resources);
        }
    }
}
