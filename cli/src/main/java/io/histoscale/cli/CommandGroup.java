package io.histoscale.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * A command that only groups subcommands ({@code runs}, {@code store}, ...): given none, it is a usage error, so it
 * lists them on standard error and exits with status 2, as {@code histoscale} alone does.
 */
public abstract class CommandGroup implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Failures.USER;
    }
}
