package io.histoscale.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The batch script of a job, from the template {@code job.sh.template}: {@code #SBATCH} lines for the resources, one
 * {@code case} branch per array task, the launcher (srun or mpirun for MPI tasks), and the exit status written beside
 * the logs. The same script serves Slurm and the local executor, so both run exactly the same commands.
 */
final class JobScript {

    private static final String TEMPLATE = load();

    private JobScript() {
    }

    /** Writes {@code job.sh} into the job's log folder and returns its path. */
    static Path write(Job job, String launcher) {
        Resources r = job.resources();
        StringBuilder sbatch = new StringBuilder();
        if (r.partition() != null) sbatch.append("#SBATCH --partition=").append(r.partition()).append('\n');
        if (r.time() != null) sbatch.append("#SBATCH --time=").append(r.time()).append('\n');
        if (r.cpus() > 0) sbatch.append("#SBATCH --cpus-per-task=").append(r.cpus()).append('\n');
        if (r.mpiTasks() > 0) sbatch.append("#SBATCH --ntasks=").append(r.mpiTasks()).append('\n');
        if (r.gpus() > 0) sbatch.append("#SBATCH --gres=gpu:").append(r.gpus()).append('\n');
        if (r.memory() != null) sbatch.append("#SBATCH --mem=").append(r.memory()).append('\n');
        StringBuilder cases = new StringBuilder();
        for (int t = 0; t < job.tasks().size(); t++) {
            cases.append("  ").append(t).append(") set -- ").append(quote(job.tasks().get(t))).append(" ;;\n");
        }
        String exports = job.environment().entrySet().stream()
                .map(e -> "export " + e.getKey() + "=" + quote(e.getValue())).collect(Collectors.joining("\n"));
        String output = job.isArray() ? job.logDir().resolve("task-%a.log").toString()
                : job.logDir().resolve("job.log").toString();
        String text = fill(TEMPLATE, Map.of("name", job.name(), "output", output, "workDir", quote(job.workDir().toString()),
                "sbatch", sbatch.toString().strip(), "exports", exports, "logDir", quote(job.logDir().toString()),
                "cases", cases.toString().stripTrailing(), "launch", launcher.isEmpty() ? "" : launcher + " "));
        Path script = job.logDir().resolve("job.sh");
        try {
            Files.createDirectories(job.logDir());
            Files.writeString(script, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new io.histoscale.core.UserException("cannot write the job script " + script + ": " + e.getMessage());
        }
        return script;
    }

    private static String fill(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return out;
    }

    /** Each word in single quotes, so paths and values with spaces or $ reach the program unchanged. */
    static String quote(List<String> words) {
        return words.stream().map(JobScript::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static String load() {
        try (InputStream in = JobScript.class.getResourceAsStream("job.sh.template")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
