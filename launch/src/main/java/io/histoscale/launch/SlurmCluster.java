package io.histoscale.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as Slurm reports it: partitions, nodes and the queue ({@code sinfo}, {@code squeue}), for people to look
 * at. When Slurm is not installed or does not answer, {@link #read()} says so in {@code problem} instead of
 * failing.
 *
 * @param available whether Slurm answered
 * @param problem   why not, as a person would act on it; null when it answered
 */
public record SlurmCluster(boolean available, String problem, List<Map<String, String>> partitions,
                           List<Map<String, String>> nodes, List<Map<String, String>> queue) {

    private static final String SEP = "|";

    /** What Slurm reports now. */
    public static SlurmCluster read() {
        if (Shell.find("sinfo") == null) {
            return new SlurmCluster(false, "Slurm is not installed here (no sinfo on the PATH)", List.of(), List.of(), List.of());
        }
        Shell.Result p = Shell.run(List.of("sinfo", "-h", "-o", "%P|%a|%l|%D|%t|%C"));
        if (p.status() != 0) {
            return new SlurmCluster(false, "Slurm does not answer (sinfo: " + lastLine(p.err()) + "); start the "
                    + "controller (slurmctld) or check slurm.conf", List.of(), List.of(), List.of());
        }
        List<Map<String, String>> partitions = rows(p.out(), "partition", "avail", "timelimit", "nodes", "state",
                "cpus_alloc_idle_other_total");
        partitions.forEach(r -> {
            String name = r.get("partition");
            r.put("default", Boolean.toString(name.endsWith("*")));
            r.put("partition", name.replace("*", ""));
        });
        Shell.Result n = Shell.run(List.of("sinfo", "-h", "-N", "-o", "%N|%P|%t|%C|%m|%G"));
        List<Map<String, String>> nodes = n.status() == 0
                ? rows(n.out(), "node", "partition", "state", "cpus_alloc_idle_other_total", "memory_mb", "gres")
                : List.of();
        Shell.Result q = Shell.run(List.of("squeue", "-h", "-o", "%i|%j|%u|%T|%M|%l|%D|%R"));
        List<Map<String, String>> queue = q.status() == 0
                ? rows(q.out(), "job", "name", "user", "state", "time", "timelimit", "nodes", "reason")
                : List.of();
        return new SlurmCluster(true, null, partitions, nodes, queue);
    }

    /** The last line a command printed (its conclusion), without the command's own prefixes. */
    private static String lastLine(String err) {
        String last = "";
        for (String line : err.split("\\R")) if (!line.isBlank()) last = line.strip();
        return last.replaceFirst("^sinfo: ", "").replaceFirst("^(fatal|error): ", "");
    }

    private static List<Map<String, String>> rows(String out, String... names) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : out.split("\\R")) {
            if (line.isBlank()) continue;
            String[] f = line.split(java.util.regex.Pattern.quote(SEP), -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) row.put(names[i], i < f.length ? f[i].strip() : "");
            rows.add(row);
        }
        return rows;
    }
}
