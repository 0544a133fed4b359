package io.histoscale.cli;

import io.histoscale.core.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The {@code histoscale} command line: one entry point for every pipeline stage. */
@Command(name = "histoscale",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand
        versionProvider = Main.Version.class,
        description = "Deep learning on whole-slide images, from slides to patient stage.",
        subcommands = {
                InfoCommand.class,
                SynthCommand.class,
                TileCommand.class,
                StoreCommand.class,
                PnCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                StageCommand.class,
                BenchCommand.class,
                RunsCommand.class,
                WatchCommand.class,
                io.histoscale.cli.federation.PkiCommand.class,
                io.histoscale.cli.federation.SiteCommand.class,
                io.histoscale.cli.federation.FederateCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit status: 0 ok, 1 some inputs failed, 2 usage or user error. */
    public static int execute(String... args) {
        return commandLine(new Main()).execute(args);
    }

    /** A command line for {@code command} that prints user errors as one line (status 2) and bugs in full. */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionStrategy(new RunsRecorder()); // records runs in the registry; --executor submits them
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            UserException user = userCause(ex);
            if (user != null) {
                line.getErr().println("histoscale: error: " + ConfigFlags.word(user, line.getCommandSpec()));
                return 2;
            }
            throw ex;
        });
        return cli;
    }

    private static UserException userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) return u;
        }
        return null;
    }

    /** Version from the build, so {@code --version} names exactly what runs. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"HistoScale " + version(), "Java " + Runtime.version()};
        }
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
