package io.histoscale.bench.search;

import io.histoscale.bench.Peers;
import io.histoscale.core.UserException;
import io.histoscale.search.sampler.TestFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("peer")
class SearchBenchTest {

    @Test
    @SuppressWarnings("unchecked")
    void smallRunReportsFiniteRegretsForBothSides() {
        Peers.Python python;
        try {
            // the project's peer venv when a full bench made it, else Debian's python3-optuna; never installs
            python = Peers.peerPython(Path.of(System.getProperty("histoscale.root", "..")), "optuna", "optuna",
                    "python3-optuna", false, new PrintStream(PrintStream.nullOutputStream()));
        } catch (UserException e) {
            python = null;
        }
        assumeTrue(python != null, "neither the peer venv nor python3-optuna imports optuna");
        Map<String, Object> r = SearchBench.run(new SearchBench.Options(List.of(TestFunction.BRANIN), 20, 3, 7, false),
                python, new PrintStream(PrintStream.nullOutputStream()));
        assertThat(r).containsKeys("ours", "peer", "unit", "ratio", "functions", "peer_version", "trials", "seeds",
                "ours_seconds", "peer_seconds");
        assertThat((String) r.get("peer_version")).startsWith("optuna ");
        Map<String, Object> branin = (Map<String, Object>) ((Map<String, Object>) r.get("functions")).get("branin");
        for (String k : List.of("ours_tpe", "ours_random", "peer_tpe", "peer_random", "ratio")) {
            double v = ((Number) branin.get(k)).doubleValue();
            assertThat(Double.isFinite(v)).as(k).isTrue();
            assertThat(v).as(k).isGreaterThanOrEqualTo(0);
        }
        assertThat(((Number) r.get("ratio")).doubleValue()).isPositive();
        assertThat(r.get("first_seed")).isEqualTo(7);
    }

    @Test
    void badOptionsAreUserErrors() {
        assertThatThrownBy(() -> new SearchBench.Options(List.of(), 10, 1, 0, false)).isInstanceOf(UserException.class);
        assertThatThrownBy(() -> new SearchBench.Options(List.of(TestFunction.BRANIN), 0, 1, 0, false))
                .isInstanceOf(UserException.class).hasMessageContaining("trials");
    }
}
