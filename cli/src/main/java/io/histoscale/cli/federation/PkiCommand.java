package io.histoscale.cli.federation;

import io.histoscale.federation.pki.Pki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code histoscale pki init|issue}: a federation's certificate authority and its members' certificates. */
@Command(name = "pki", mixinStandardHelpOptions = true, description = "Certificates for federated training: a CA, and one certificate per site and coordinator.",
        subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
public final class PkiCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Create a certificate authority (ca.crt, ca.key) in a folder.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--pki", required = true, description = "Folder to create it in.")
        Path dir;

        @Option(names = "--name", defaultValue = "histoscale-federation-ca", description = "CA name (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            Pki pki = Pki.init(dir, name);
            System.out.println("certificate authority: " + pki.caCertificate() + " (keep " + dir.resolve("ca.key")
                    + " off the sites)");
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true, description = {"Issue a certificate for a site or the coordinator; its name (CN) is its identity.",
            "Valid for localhost and 127.0.0.1, plus any --host."})
    static final class Issue implements Callable<Integer> {
        @Option(names = "--pki", required = true, description = "The CA's folder.")
        Path dir;

        @Option(names = "--name", required = true, split = ",", description = "Member name(s), e.g. hospital-a,coordinator.")
        List<String> names;

        @Option(names = "--host", split = ",", description = "Extra DNS names or IP addresses it serves on.")
        List<String> hosts = new ArrayList<>();

        @Override
        public Integer call() {
            Pki pki = Pki.open(dir);
            for (String name : names) {
                Pki.Member m = pki.issue(name, hosts);
                System.out.println(name + ": " + m.certificate() + ", " + m.key());
            }
            return 0;
        }
    }
}
