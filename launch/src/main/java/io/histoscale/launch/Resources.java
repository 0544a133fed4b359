package io.histoscale.launch;

import java.util.Map;

/**
 * What a job asks of the scheduler. Null or zero means "the scheduler's default".
 *
 * @param partition Slurm partition (null: the cluster's default partition)
 * @param time      time limit in Slurm's format ({@code 30}, {@code 2:00:00}, {@code 1-00:00:00})
 * @param cpus      CPUs per task
 * @param gpus      GPUs per node
 * @param memory    memory per node in Slurm's format ({@code 4G}, {@code 500M})
 * @param mpiTasks  MPI tasks (ranks); more than one launches the command with srun (Slurm) or mpirun (local)
 */
public record Resources(String partition, String time, int cpus, int gpus, String memory, int mpiTasks) {

    public static final Resources DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** Memory in MiB, or 0 when not given; {@code 4G}, {@code 500M}, {@code 1T}, {@code 2048} (MiB). */
    public long memoryMiB() {
        if (memory == null || memory.isBlank()) return 0;
        String m = memory.trim().toUpperCase(java.util.Locale.ROOT);
        char unit = m.charAt(m.length() - 1);
        long factor = switch (unit) {
            case 'K' -> -1024;
            case 'M' -> 1;
            case 'G' -> 1024;
            case 'T' -> 1024 * 1024;
            default -> 0;
        };
        String digits = factor == 0 ? m : m.substring(0, m.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n <= 0) throw new NumberFormatException();
            if (factor == 0) return n;
            return factor < 0 ? Math.max(1, n / 1024) : n * factor;
        } catch (NumberFormatException e) {
            throw io.histoscale.core.UserException.forKey("memory", memory + " is not a memory size; give e.g. 4G or"
                    + " 500M");
        }
    }

    public static final class Builder {
        private String partition;
        private String time;
        private int cpus;
        private int gpus;
        private String memory;
        private int mpiTasks;

        public Builder optPartition(String partition) {
            this.partition = partition;
            return this;
        }

        public Builder optTime(String time) {
            this.time = time;
            return this;
        }

        public Builder optCpus(int cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder optGpus(int gpus) {
            this.gpus = gpus;
            return this;
        }

        public Builder optMemory(String memory) {
            this.memory = memory;
            return this;
        }

        public Builder optMpiTasks(int mpiTasks) {
            this.mpiTasks = mpiTasks;
            return this;
        }

        public Resources build() {
            Map<String, Integer> counts = Map.of("cpus", cpus, "gpus", gpus, "mpi_tasks", mpiTasks);
            counts.forEach((key, n) -> {
                if (n < 0) {
                    throw io.histoscale.core.UserException.forKey(key, n + ": give 0 or more");
                }
            });
            return new Resources(partition, time, cpus, gpus, memory, mpiTasks);
        }
    }
}
