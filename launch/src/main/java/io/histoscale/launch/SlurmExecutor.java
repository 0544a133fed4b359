package io.histoscale.launch;

import io.histoscale.core.UserException;
import io.histoscale.registry.RunStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs jobs on Slurm: {@code sbatch} (arrays with {@code --array}), {@code scontrol show job} to follow them (no
 * accounting database needed), {@code scancel} to stop them. Jobs are submitted with {@code --requeue}, so Slurm
 * re-queues them itself when a node fails.
 */
public final class SlurmExecutor implements Executor {

    @Override
    public String name() {
        return "slurm";
    }

    @Override
    public void check(Resources r) {
        if (Shell.find("sbatch") == null) {
            throw Shell.notFound("sbatch");
        }
        String partition = r.partition() != null ? r.partition() : defaultPartition();
        Shell.Result p = Shell.run(List.of("scontrol", "show", "partition", "-o", partition));
        if (!p.ok() || p.out().isBlank()) {
            throw new UserException("unknown Slurm partition " + partition + "; partitions here: "
                    + String.join(", ", partitions()).replace("*", " (default)") + " (see sinfo)");
        }
        // Largest node of the partition: CPUs, memory (MiB) and generic resources (GPUs).
        Shell.Result nodes = Shell.run(List.of("sinfo", "-h", "-N", "-p", partition, "-o", "%c|%m|%G"));
        int maxCpus = 0;
        long maxMemory = 0;
        int maxGpus = 0;
        for (String line : nodes.out().strip().split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length < 3) continue;
            maxCpus = Math.max(maxCpus, parseInt(f[0]));
            maxMemory = Math.max(maxMemory, parseInt(f[1].replaceAll("\\D.*", "")));
            maxGpus = Math.max(maxGpus, gpus(f[2]));
        }
        // Slurm would accept such a job and leave it pending for ever.
        if (r.cpus() > maxCpus) {
            throw UserException.forKey("cpus", r.cpus() + " is more than the " + maxCpus + " CPUs of the largest node"
                    + " in Slurm partition " + partition + "; ask for at most " + maxCpus);
        }
        if (r.gpus() > maxGpus) {
            throw UserException.forKey("gpus", r.gpus() + " is more than the " + maxGpus + " GPUs of the largest node "
                    + "in Slurm partition " + partition + "; ask for fewer, or choose a GPU partition");
        }
        if (r.memoryMiB() > maxMemory) {
            throw UserException.forKey("memory", r.memory() + " is more than the " + maxMemory + " MiB of the largest "
                    + "node in Slurm partition " + partition + "; ask for at most " + maxMemory + "M");
        }
    }

    private static String defaultPartition() {
        for (String name : partitions()) {
            if (name.endsWith("*")) return name.substring(0, name.length() - 1);
        }
        List<String> all = partitions();
        if (all.isEmpty()) throw new UserException("this Slurm cluster has no partitions; check sinfo");
        return all.get(0);
    }

    /** Partition names as sinfo lists them (the default one marked with *). */
    private static List<String> partitions() {
        Shell.Result r = Shell.run(List.of("sinfo", "-h", "-o", "%P"));
        if (!r.ok()) {
            throw new UserException("Slurm does not answer (sinfo: " + r.err().strip() + "); start the controller "
                    + "(for a test cluster: scripts/slurm-local.sh start) or check SLURM_CONF");
        }
        return Arrays.stream(r.out().strip().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    @Override
    public Submission submit(Job job) {
        check(job.resources());
        String launcher = job.resources().mpiTasks() > 1 ? "srun --mpi=pmix" : "";
        Path script = JobScript.write(job, launcher);
        List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable"));
        if (job.isArray()) argv.add("--array=0-" + (job.tasks().size() - 1));
        argv.add(script.toString());
        String id = sbatch(argv);
        List<String> tasks = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int t = 0; t < job.tasks().size(); t++) {
            tasks.add(job.isArray() ? id + "_" + t : id);
            logs.add(job.log(t));
        }
        return new Submission(id, tasks, logs, script);
    }

    @Override
    public String resubmit(Path script, int task) {
        deleteExitFile(script.getParent(), task);
        return sbatch(List.of("sbatch", "--parsable", "--array=" + task, script.toString())) + "_" + task;
    }

    private static String sbatch(List<String> argv) {
        Shell.Result r = Shell.run(argv);
        if (!r.ok()) {
            throw new UserException("sbatch refused the job: " + r.err().strip().replace('\n', ' '));
        }
        // --parsable prints "id" or "id;cluster".
        return r.out().strip().split(";")[0];
    }

    @Override
    public JobState state(String taskId, Path logDir, int task) {
        Shell.Result r = Shell.run(List.of("scontrol", "show", "job", "-o", taskId));
        Map<String, String> fields = r.ok() ? fields(r.out()) : Map.of();
        String state = fields.get("JobState");
        if (state == null) {
            // Slurm forgot the job (older than MinJobAge, or the controller restarted): its script left the status.
            Integer exit = exitStatus(logDir, task);
            if (exit != null) {
                return new JobState(exit == 0 ? RunStatus.COMPLETED : RunStatus.FAILED, exit, "exit status " + exit);
            }
            return new JobState(RunStatus.FAILED, null, "Slurm no longer knows job " + taskId
                    + " and it left no exit status");
        }
        Integer exit = exitCode(fields.get("ExitCode"));
        RunStatus status = switch (state) {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "CONFIGURING", "RESV_DEL_HOLD" -> RunStatus.PENDING;
            case "RUNNING", "COMPLETING", "SUSPENDED", "STAGE_OUT", "SIGNALING", "RESIZING", "STOPPED" -> RunStatus.RUNNING;
            case "COMPLETED" -> RunStatus.COMPLETED;
            case "CANCELLED" -> RunStatus.CANCELLED;
            default -> RunStatus.FAILED; // FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, PREEMPTED
        };
        String detail = state + (fields.containsKey("Reason") && !"None".equals(fields.get("Reason"))
                ? " (" + fields.get("Reason") + ")" : "");
        return new JobState(status, exit, detail);
    }

    @Override
    public void cancel(String taskId, Path logDir, int task) {
        Shell.Result r = Shell.run(List.of("scancel", taskId));
        if (!r.ok()) throw new UserException("scancel " + taskId + " failed: " + r.err().strip());
    }

    /** {@code Key=Value} pairs of one {@code scontrol -o} line (values hold no spaces except Command/WorkDir ends). */
    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String word : line.strip().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) m.putIfAbsent(word.substring(0, eq), word.substring(eq + 1));
        }
        return m;
    }

    /** Slurm's {@code ExitCode=status:signal}: the status, or 128 + signal when a signal ended it. */
    private static Integer exitCode(String value) {
        if (value == null) return null;
        String[] p = value.split(":");
        int status = parseInt(p[0]);
        int signal = p.length > 1 ? parseInt(p[1]) : 0;
        return signal > 0 ? 128 + signal : status;
    }

    private static int gpus(String gres) {
        // e.g. gpu:4, gpu:a100:2(S:0-1), (null)
        int total = 0;
        for (String part : gres.split(",")) {
            if (!part.startsWith("gpu")) continue;
            String[] f = part.replaceAll("\\(.*", "").split(":");
            total += parseInt(f[f.length - 1]);
        }
        return total;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Integer exitStatus(Path logDir, int task) {
        Path f = Job.exitFile(logDir, task);
        try {
            return Files.exists(f) ? Integer.parseInt(Files.readString(f).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    static void deleteExitFile(Path logDir, int task) {
        try {
            Files.deleteIfExists(Job.exitFile(logDir, task));
        } catch (IOException e) {
            throw new UserException("cannot remove " + Job.exitFile(logDir, task) + ": " + e.getMessage());
        }
    }
}
