package io.histoscale.cli.federation;

import io.histoscale.cli.ExecutorOptions;
import io.histoscale.federation.site.Site;
import io.histoscale.federation.site.SiteMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code histoscale site}: one hospital's process in federated training. */
@Command(name = "site", mixinStandardHelpOptions = true, description = {"Take part in federated training as one site.",
        "The site keeps its patches, trains when the coordinator asks, and sends only weights and aggregate numbers",
        "(each logged in <out>/audit.jsonl)."})
public final class SiteCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "This site's patch store or image folder.")
    Path data;

    @Option(names = "--name", required = true, description = "This site's certificate name in --pki (its identity).")
    String name;

    @Option(names = "--coordinator", required = true, description = "HOST:PORT of the coordinator.")
    String coordinator;

    @Option(names = "--coordinator-name", defaultValue = Site.DEFAULT_COORDINATOR, description = "Certificate name of the coordinator at --coordinator; the site talks to nobody else there (default ${DEFAULT-VALUE}).")
    String coordinatorName;

    @Option(names = "--pki", required = true, description = "Folder with ca.crt and <name>.crt/.key.")
    Path pki;

    @Option(names = "--indices", description = "File of the patch indices this site holds (one a line); default all labelled.")
    Path indices;

    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of patches kept for local validation (default ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the validation split (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "Training threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--workers", defaultValue = "1", description = "Patch loading threads (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--peer-port", defaultValue = "-1", description = "Accept peer-to-peer weight handoffs on this port (0: any; default: none).")
    int peerPort;

    @Option(names = "--peer-host", defaultValue = "127.0.0.1", description = "Address peers reach this site at (default ${DEFAULT-VALUE}).")
    String peerHost;

    @Option(names = "--out", description = "Folder for the audit log (default: site-<name>).")
    Path out;

    @Option(names = "--reconnect-seconds", defaultValue = "120", description = "How long to keep trying to reach the coordinator (default ${DEFAULT-VALUE}).")
    double reconnectSeconds;

    /** --executor slurm runs the site as a job on the hospital's own cluster: its data still never leaves. */
    @Mixin(name = ExecutorOptions.MIXIN)
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        int tasks = SiteMain.run(new SiteMain.Options(data, name, coordinator, pki, indices, valFraction, seed, threads,
                device, workers, peerHost, peerPort, out != null ? out : Path.of("site-" + name), reconnectSeconds,
                coordinatorName));
        System.out.println(name + ": done, " + tasks + " task(s)");
        return 0;
    }
}
