package io.histoscale.cli;

import io.histoscale.bench.Peers;
import io.histoscale.bench.search.SearchBench;
import io.histoscale.core.UserException;
import io.histoscale.search.sampler.TestFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code histoscale bench search}: our TPE's simple regret on test functions against Optuna's, in the same run. */
@Command(name = "search", mixinStandardHelpOptions = true, description = {
        "Simple regret of our TPE (and random) sampler on Branin, Hartmann-6 and Levy-10 against Optuna's TPE (and random).",
        "The peer runs in a venv under .histoscale-build with pip's newest Optuna, else Debian's python3-optuna."})
final class SearchBenchCommand implements Callable<Integer> {

    @Option(names = "--functions", defaultValue = "branin,hartmann6,levy10", split = ",",
            description = "Test functions: branin, hartmann6, levy10, rosenbrock10 (default ${DEFAULT-VALUE}).")
    List<String> functions;

    @Option(names = "--trials", defaultValue = "100", description = "Trials per study (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seeds", defaultValue = "20", description = "Studies per sampler and function (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0",
            description = "Seeds run from this one, on both sides (default ${DEFAULT-VALUE}); e.g. 500 for seeds "
                    + "never used while our TPE's defaults were chosen (they were chosen on seeds 100-139).")
    int firstSeed;

    @Option(names = "--peer-multivariate", description = "Also run Optuna's TPESampler(multivariate=True).")
    boolean peerMultivariate;

    @Override
    public Integer call() {
        List<TestFunction> chosen = new ArrayList<>();
        for (String id : functions) {
            TestFunction f = TestFunction.byId(id.strip());
            if (f == null) {
                throw new UserException("--functions: '" + id + "' is not one of branin, hartmann6, levy10, rosenbrock10");
            }
            chosen.add(f);
        }
        SearchBench.Options options = new SearchBench.Options(chosen, trials, seeds, firstSeed, peerMultivariate);
        Peers.Python python = Peers.peerPython(Peers.root(), "optuna", "optuna", "python3-optuna", true, System.err);
        System.err.println("bench search: peer " + python.label() + " (" + python.executable() + ")");
        BenchCommand.print(SearchBench.run(options, python, System.err));
        return 0;
    }
}
