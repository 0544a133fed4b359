package io.histoscale.launch;

import io.histoscale.core.UserException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Where a run's work runs: {@code local} (a child process of this machine), {@code slurm} (a batch job), or any other
 * executor on the class path. Executors run the generated script ({@code job.sh} in the run's log folder) and leave
 * the exit status of each task beside its log, so a run can be followed, cancelled and collected by any later process.
 *
 * <p>Executors are found by name with {@link ServiceLoader}: a new one is a class implementing this interface (public,
 * with a public no-argument constructor) and its name on a line of {@code META-INF/services/io.histoscale.launch.Executor}.
 */
public interface Executor {

    /** The name it is chosen by ({@code local}, {@code slurm}, …) and recorded under in the registry. */
    String name();

    /** Fails with one clear {@link UserException} when this executor cannot run a job asking for {@code resources}. */
    void check(Resources resources);

    /** Writes the job's script and starts or submits it. */
    Submission submit(Job job);

    /** Runs task {@code task} of an earlier job again (a failed array task); returns the new task id. */
    String resubmit(Path script, int task);

    /** The state of a task, by the id {@link #submit} or {@link #resubmit} gave it. */
    JobState state(String taskId, Path logDir, int task);

    /** Stops a job or task; it ends as CANCELLED. */
    void cancel(String taskId, Path logDir, int task);

    /**
     * The registered executor called {@code name}.
     *
     * @throws UserException for configuration key {@code executor} when no executor has that name, listing those that
     *                       do
     */
    static Executor named(String name) {
        Executor executor = registered().get(name);
        if (executor == null) throw UserException.forKey("executor", name + " is not an executor; use " + choices());
        return executor;
    }

    /** The names of the registered executors, sorted. */
    static List<String> names() {
        return List.copyOf(registered().keySet());
    }

    /** The registered names as a phrase for messages: {@code local or slurm}, {@code inline, local or slurm}. */
    static String choices() {
        List<String> names = names();
        if (names.size() < 2) return String.join("", names);
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** A new instance of every registered executor, by name; two executors of one name are a packaging error. */
    private static Map<String, Executor> registered() {
        Map<String, Executor> byName = new TreeMap<>();
        for (Executor e : ServiceLoader.load(Executor.class)) {
            Executor before = byName.putIfAbsent(e.name(), e);
            if (before != null) {
                throw new IllegalStateException("two executors are called " + e.name() + ": "
                        + before.getClass().getName() + " and " + e.getClass().getName());
            }
        }
        return byName;
    }
}
