package io.histoscale.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/** The {@code histoscale} command line: one entry point for every pipeline stage. */
@Command(name = "histoscale",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand
        versionProvider = Main.Version.class,
        description = "Deep learning on whole-slide images, from slides to patient stage.",
        footer = "%nSee histoscale help COMMAND (or histoscale COMMAND --help) for a command's options.",
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
                SearchCommand.class,
                WatchCommand.class,
                io.histoscale.cli.federation.PkiCommand.class,
                io.histoscale.cli.federation.SiteCommand.class,
                io.histoscale.cli.federation.FederateCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    /** The option that adds the stack trace to an error's one line; every subcommand has it. */
    static final String DEBUG = "--debug";

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = DEBUG, scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print its stack trace after the message.")
    boolean debug;

    /** No command: the list of commands, on stderr as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Failures.USER;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the CLI and returns its exit status: 0 ok; 1 the run failed (some inputs, the disk, the network, or a bug);
     * 2 usage or user error. Every failure ends here as one line (see {@link Failures}).
     */
    public static int execute(String... args) {
        CommandLine cli = commandLine(new Main());
        try {
            return cli.execute(args);
        } catch (RuntimeException | Error e) {
            // thrown outside a command (the run recorder, picocli itself): the same one line
            ParseResult parsed = cli.getParseResult();
            return Failures.report(e, parsed == null ? null : leaf(parsed).commandSpec(), cli.getErr(), debug(parsed));
        }
    }

    /**
     * A command line for {@code command}: a wrong option or value is one line and where to read more (status 2);
     * a failure is one line as {@link Failures} words it; --debug adds the stack trace.
     */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        if (command instanceof Main) addProvided(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionStrategy(new RunsRecorder()); // records runs in the registry; --executor submits them
        cli.setExecutionExceptionHandler((ex, line, parsed) ->
                Failures.report(ex, line.getCommandSpec(), line.getErr(), debug(parsed)));
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            PrintWriter err = line.getErr();
            err.println("histoscale: error: " + ex.getMessage().strip().replaceAll("\\s*\\R\\s*", " "));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("try: " + line.getCommandSpec().qualifiedName() + " --help");
            return Failures.USER;
        });
        hideArraySizeOutsideTile(cli);
        return cli;
    }

    /** The commands other modules provide ({@link CommandProvider}), each in the group it names. */
    private static void addProvided(CommandLine top) {
        for (CommandProvider p : ServiceLoader.load(CommandProvider.class)) {
            CommandLine parent = p.parent().isEmpty() ? top : top.getSubcommands().get(p.parent());
            if (parent == null) throw new IllegalStateException(p.getClass().getName() + " names no command group " + p.parent());
            parent.addSubcommand(new CommandLine(p.command()));
        }
    }

    /** Whether --debug was given, before or after the subcommand. */
    static boolean debug(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(DEBUG)) return true;
        }
        return false;
    }

    private static ParseResult leaf(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.subcommand() != null) p = p.subcommand();
        return p;
    }

    /**
     * --array-size splits slides over array tasks, which only tile has: the other commands with the executor options
     * keep it (hidden) only to say so when it is given.
     */
    private static void hideArraySizeOutsideTile(CommandLine line) {
        CommandSpec spec = line.getCommandSpec();
        OptionSpec arraySize = spec.mixins().containsKey(ExecutorOptions.MIXIN) ? spec.findOption("--array-size")
                : null;
        if (arraySize != null && !spec.name().equals("tile") && !arraySize.hidden()) {
            spec.remove(arraySize);
            spec.addOption(OptionSpec.builder(arraySize).hidden(true).build());
        }
        line.getSubcommands().values().forEach(Main::hideArraySizeOutsideTile);
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
