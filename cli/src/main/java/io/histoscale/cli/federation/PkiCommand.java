package io.histoscale.cli.federation;

import io.histoscale.cli.CommandGroup;
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
public final class PkiCommand extends CommandGroup {



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

    @Command(name = "issue", mixinStandardHelpOptions = true, description = {"Issue a certificate for a site or the coordinator; its name (CN) and role are its identity.",
            "The coordinator's serves the --host names sites reach it at; a site's is a client certificate, and serves",
            "peer-to-peer hand-offs only at the --host names given (its --peer-host). No other host is named."})
    static final class Issue implements Callable<Integer> {
        @Option(names = "--pki", required = true, description = "The CA's folder.")
        Path dir;

        @Option(names = "--name", required = true, split = ",", description = "Member name(s), e.g. hospital-a,hospital-b.")
        List<String> names;

        @Option(names = "--role", required = true, description = "coordinator or site.")
        String role;

        @Option(names = {"--host", "--san"}, split = ",", description = "DNS names or IP addresses it serves on (required for the coordinator).")
        List<String> hosts = new ArrayList<>();

        @Override
        public Integer call() {
            Pki.Role r = Pki.Role.of(role);
            Pki pki = Pki.open(dir);
            for (String name : names) {
                Pki.Member m = pki.issue(name, r, hosts);
                System.out.println(name + " (" + r.id() + (hosts.isEmpty() ? "" : ", serves " + String.join(", ", hosts))
                        + "): " + m.certificate() + ", " + m.key());
            }
            return 0;
        }
    }
}
