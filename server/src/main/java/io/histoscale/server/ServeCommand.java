package io.histoscale.server;

import io.histoscale.cli.CommandProvider;
import io.histoscale.core.UserException;
import io.histoscale.federation.pki.Pki;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.Users;
import io.histoscale.server.auth.Bootstrap;
import io.histoscale.server.auth.UsersCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code histoscale serve}: the web dashboard and API until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, subcommands = UsersCommand.class,
        description = {"The web dashboard and HTTP API: runs with live curves, submissions, slides with deep zoom and "
                + "overlays, patients' stages, federation and the cluster; behind a login.",
                "Add users first: histoscale serve users add NAME --role researcher"})
public final class ServeCommand implements Callable<Integer> {

    /** Puts {@code serve} on the command line. */
    public static final class Provider implements CommandProvider {
        @Override
        public Object command() {
            return new ServeCommand();
        }
    }

    @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--bind", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind = "127.0.0.1";

    @Option(names = "--slides", arity = "1..*", paramLabel = "DIR", description = "Folders of slides to browse; "
            + "nothing outside them is read.")
    List<Path> slides = new ArrayList<>();

    @Option(names = "--store", paramLabel = "FILE|JDBC_URL",
            description = "Run registry (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
    String store;

    @Option(names = "--work", paramLabel = "DIR", description = "Folder submitted jobs run in and write to "
            + "(default: ~/.histoscale/work).")
    Path work;

    @Option(names = "--tls-pki", paramLabel = "DIR", description = "Serve HTTPS with a certificate of this PKI "
            + "(histoscale pki issue --role coordinator --host HOST).")
    Path tlsPki;

    @Option(names = "--tls-name", paramLabel = "NAME", description = "The PKI member whose certificate the server "
            + "presents (default ${DEFAULT-VALUE}).")
    String tlsName = "server";

    @Option(names = "--demo", description = "Serve the demo's slides, runs and stages (out/demo of ./histoscale demo).")
    boolean demo;

    @Override
    public Integer call() throws InterruptedException {
        String location = store != null ? store : RunRegistry.defaultLocation();
        ServerConfig.Builder b = ServerConfig.builder().optPort(port).optBind(bind).setStore(location)
                .optCli(io.histoscale.cli.CliCommand.javaCommand());
        if (demo) {
            Path out = Path.of(System.getProperty("histoscale.root", ".")).resolve("out/demo").toAbsolutePath().normalize();
            if (!Files.isDirectory(out.resolve("cohort"))) {
                throw UserException.forKey("demo", out + " has no demo yet; run ./histoscale demo first");
            }
            b.addSlideRoot(out.resolve("cohort"));
            if (work == null) work = out;
        }
        for (Path s : slides) b.addSlideRoot(s);
        if (work != null) b.optWork(work);
        if (tlsPki != null) {
            Pki.Member m = Pki.open(tlsPki).member(tlsName, Pki.Role.COORDINATOR);
            b.optTls(new ServerConfig.Tls(m.certificate(), m.key(), m.ca()));
        }
        ServerConfig config = b.build();
        Bootstrap.firstAdmin(Users.open(location)).ifPresent(password -> {
            System.out.println("first start: created user admin with the one-time password " + password);
            System.out.println("(log in as admin and change it, or: histoscale serve users passwd admin)");
        });
        CountDownLatch stop = new CountDownLatch(1);
        try (WebServer server = WebServer.start(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                server.close();
            }));
            System.out.println("HistoScale serves " + server.url() + "/ (slides: "
                    + (config.slideRoots().isEmpty() ? "none; add --slides DIR" : config.slideRoots()) + "; registry "
                    + location + "); stop with Ctrl-C");
            System.out.flush();
            stop.await();
        }
        return 0;
    }
}
