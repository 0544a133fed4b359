package io.histoscale.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Help and usage as a user meets them: whole-sentence summaries, short answers to wrong input, no silent success. */
class UsageTest {

    @Test
    void everyCommandSummaryIsOneWholeSentence() {
        List<String> cut = new ArrayList<>();
        collect(new CommandLine(new Main()), cut);
        assertThat(cut).as("first description lines (the summaries in --help lists) that are not one whole sentence")
                .isEmpty();
    }

    private static void collect(CommandLine line, List<String> cut) {
        for (Map.Entry<String, CommandLine> e : line.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            if (!sub.getCommandName().equals(e.getKey())) continue; // an alias
            // picocli lists a command by its header, else by the first line of its description
            String[] header = sub.getCommandSpec().usageMessage().header();
            String[] description = sub.getCommandSpec().usageMessage().description();
            String summary = header.length > 0 ? header[0] : description.length == 0 ? "" : description[0];
            if (!summary.matches("[A-Z].*\\.") || summary.length() > 120) {
                cut.add(sub.getCommandSpec().qualifiedName() + ": " + summary);
            }
            collect(sub, cut);
        }
    }

    @Test
    void aWrongOptionGetsOneLineAndWhereToLookNotTheWholeUsage() {
        CliTest.Run unknown = CliTest.run("train", "--bogus", "1");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("histoscale: error: ").contains("--bogus")
                .contains("histoscale train --help").doesNotContain("Usage:");
        assertThat(unknown.err().strip().lines().count()).isLessThanOrEqualTo(3);

        CliTest.Run badValue = CliTest.run("runs", "list", "--limit", "many");
        assertThat(badValue.status()).isEqualTo(2);
        assertThat(badValue.err()).contains("many").contains("histoscale runs list --help").doesNotContain("Usage:");
        assertThat(badValue.err().strip().lines().count()).isLessThanOrEqualTo(3);

        CliTest.Run typo = CliTest.run("runs", "lisst");
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.err()).contains("lisst").contains("runs list").doesNotContain("Usage:");
    }

    @Test
    void noCommandIsAUsageErrorNotSuccess() {
        CliTest.Run bare = CliTest.run();
        assertThat(bare.status()).isEqualTo(2);
        assertThat(bare.out()).isEmpty();
        assertThat(bare.err()).contains("Usage: histoscale").contains("train").contains("histoscale help COMMAND");
        assertThat(CliTest.run("--help").status()).isZero();
    }

    @Test
    void aCommandGroupWithoutItsSubcommandIsAUsageErrorListingThem() {
        for (String[] group : new String[][] {{"runs"}, {"synth"}, {"pki"}, {"bench"}, {"store"}}) {
            CliTest.Run run = CliTest.run(group);
            assertThat(run.status()).as(group[0] + " exit status").isEqualTo(2);
            assertThat(run.out()).as(group[0] + " standard output").isEmpty();
            assertThat(run.err()).as(group[0] + " standard error").contains("Usage: histoscale " + group[0])
                    .contains("Commands:");
        }
    }

    @Test
    void arraySizeIsOfferedOnlyWhereItWorks() {
        assertThat(CliTest.run("tile", "--help").out()).contains("--array-size");
        for (String command : List.of("train", "stage", "site")) {
            String help = CliTest.run(command, "--help").out();
            assertThat(help).as(command).doesNotContain("--array-size").doesNotContain("tile:");
        }
    }
}
