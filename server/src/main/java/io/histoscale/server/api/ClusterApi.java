package io.histoscale.server.api;

import io.histoscale.launch.SlurmCluster;
import io.javalin.config.JavalinConfig;

/** {@code /api/v1/cluster}: partitions, nodes and the queue as Slurm reports them, or why it cannot be asked. */
public final class ClusterApi {

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/cluster", ctx -> ctx.json(SlurmCluster.read()));
    }
}
