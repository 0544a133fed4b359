package io.histoscale.parallel;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How this process was started (by {@code mpirun}, by {@code srun}, or alone), and starting ranks with mpirun. */
public final class MpiLaunch {

    private MpiLaunch() {
    }

    /** Whether an MPI launcher started this process: mpirun sets {@code OMPI_COMM_WORLD_SIZE}, srun's PMIx {@code PMIX_RANK}. */
    public static boolean launchedByMpi() {
        Map<String, String> env = System.getenv();
        return env.containsKey("OMPI_COMM_WORLD_SIZE") || env.containsKey("PMIX_RANK");
    }

    /** Whether Slurm started this process as one task of several ({@code srun} in a job). */
    public static boolean launchedBySlurmTasks() {
        String tasks = System.getenv("SLURM_NTASKS");
        return System.getenv("SLURM_PROCID") != null && System.getenv("SLURM_STEP_ID") != null && tasks != null
                && !tasks.equals("1");
    }

    /** Ranks on this node as the launcher tells it; {@code fallback} when it does not. */
    public static int localRanks(int fallback) {
        for (String name : List.of("OMPI_COMM_WORLD_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE")) {
            String value = System.getenv(name);
            if (value != null && value.matches("\\d+")) {
                return Integer.parseInt(value);
            }
        }
        String perNode = System.getenv("SLURM_TASKS_PER_NODE"); // e.g. "2" or "2(x3)"
        if (perNode != null && perNode.matches("\\d+.*")) {
            return Integer.parseInt(perNode.replaceAll("\\D.*", ""));
        }
        return fallback;
    }

    /**
     * The command that runs {@code mainClass} with {@code args} in {@code ranks} processes on this machine under
     * mpirun, with this JVM's Java, options and class path.
     *
     * @throws UserException when Open MPI's mpirun is not installed
     */
    public static List<String> mpirunJava(int ranks, String mainClass, List<String> args) {
        return mpirunJava(ranks, List.of(), mainClass, args);
    }

    /** {@link #mpirunJava(int, String, List)} with more JVM options after this JVM's own. */
    public static List<String> mpirunJava(int ranks, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = mpirun(ranks);
        command.addAll(java(jvmOptions));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** This JVM's java with its options (debugger excluded), {@code jvmOptions} and class path: main class next. */
    public static List<String> java(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp")) {
                command.add(option);
            }
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        return command;
    }

    /**
     * Runs a command to completion and returns its output (stdout and stderr together).
     *
     * @throws IllegalStateException with the output when it exits with a status other than 0
     */
    public static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + status + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code mpirun -np N} for this machine: as root with {@code --allow-run-as-root}, {@code --oversubscribe} so
     * that more ranks than cores may run, no core binding (the ranks' PyTorch and loader threads share the cores),
     * and ranks waiting in a collective yield their core rather than spin (cores here are shared).
     *
     * @throws UserException when mpirun is not installed
     */
    public static List<String> mpirun(int ranks) {
        String mpirun = which("mpirun");
        List<String> command = new ArrayList<>(List.of(mpirun, "-np", Integer.toString(ranks), "--oversubscribe",
                "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add(1, "--allow-run-as-root");
        }
        return command;
    }

    /**
     * The full path of an Open MPI program on the PATH.
     *
     * @throws UserException naming the Debian packages to install when it is missing
     */
    public static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new UserException(program + " not found: install Open MPI (sudo apt-get install -y openmpi-bin "
                + "libopenmpi-dev) to run several ranks");
    }

    /** This JVM's class path; under Surefire the test class path rather than its booter jar. */
    static String classPath() {
        String tests = System.getProperty("surefire.test.class.path");
        return tests != null && !tests.isBlank() ? tests : System.getProperty("java.class.path");
    }
}
