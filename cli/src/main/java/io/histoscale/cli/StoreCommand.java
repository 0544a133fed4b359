package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.dataset.store.StoreVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "store", description = "Patch stores: check one against its manifest.",
        subcommands = {StoreCommand.Verify.class})
final class StoreCommand extends CommandGroup {



    @Command(name = "verify", description = {
            "Check a patch store against its manifest: every shard, checksum and patch count.",
            "Every shard must be present, of the recorded size and CRC32C, and hold the recorded patch counts per slide",
            "and per class.",
            "Exit status 0 when the store is sound; 1 with one line per problem on standard error otherwise."})
    static final class Verify implements Callable<Integer> {

        @Parameters(paramLabel = "STORE", description = "Patch store folder.")
        Path store;

        @Option(names = "--json", description = "The result as one JSON object on standard output.")
        boolean json;

        @Override
        public Integer call() {
            StoreVerifier.Result r = StoreVerifier.verify(store);
            if (json) {
                System.out.println(Json.pretty(r));
            } else {
                System.out.printf(Locale.ROOT, "patch store %s: %s: %d slides, %d shards, %d patches (%s), %.1f MiB%n",
                        r.store(), r.sound() ? "sound" : r.problems().size() + " problem(s)", r.slides(), r.shards(),
                        r.patches(), StoreVerifier.describe(r.labels()), r.bytes() / 1048576.0);
                if (r.tiling() != null) System.out.println("  cut with " + r.tiling().describe());
                r.notes().forEach(n -> System.out.println("  note: " + n));
            }
            r.problems().forEach(System.err::println);
            return r.sound() ? 0 : 1;
        }
    }
}
