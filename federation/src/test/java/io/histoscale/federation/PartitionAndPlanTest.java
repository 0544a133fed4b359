package io.histoscale.federation;

import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionAndPlanTest {

    @TempDir
    Path dir;

    @Test
    void sitesGetWholeGroupsAndTheTestSetIsDisjoint() {
        Path patches = SyntheticPatches.builder().slides(8).perSlide(10).size(16).seed(1).tumourEvery(2)
                .write(dir.resolve("s"));
        try (PatchStore store = PatchStore.open(patches)) {
            Partition p = Partition.of(store, null, 3, GroupBy.SLIDE, 0.25, Partition.Skew.NONE, false, 5);
            assertThat(p.sites()).hasSize(3);
            Set<String> testSlides = new HashSet<>();
            Arrays.stream(p.test()).forEach(i -> testSlides.add(store.group(i, GroupBy.SLIDE)));
            assertThat(testSlides).hasSize(2);
            Set<Long> seen = new HashSet<>();
            for (long[] site : p.sites()) {
                assertThat(site).isNotEmpty();
                for (long i : site) {
                    assertThat(seen.add(i)).isTrue();
                    assertThat(testSlides).doesNotContain(store.group(i, GroupBy.SLIDE));
                }
            }
            assertThat(seen.size() + p.test().length).isEqualTo(80);
            // same seed, same partition
            assertThat(Partition.of(store, null, 3, GroupBy.SLIDE, 0.25, Partition.Skew.NONE, false, 5).test())
                    .containsExactly(p.test());
            Partition sized = Partition.of(store, null, 3, GroupBy.SLIDE, 0.25, Partition.Skew.SIZE, false, 5);
            assertThat(sized.sites().get(0).length).isGreaterThan(sized.sites().get(2).length);
            Partition within = Partition.of(store, null, 3, GroupBy.SLIDE, 0.3, Partition.Skew.NONE, true, 5);
            // 30 % of each class (5 patches of each per slide) held out per site: 2 of 5, on 8 slides, both classes
            assertThat(within.test().length).isBetween(20, 40);
            assertThat(LongStream.concat(LongStream.of(within.pooled()), LongStream.of(within.test())).distinct()
                    .count()).isEqualTo(80);
            assertThatThrownBy(() -> Partition.of(store, null, 8, GroupBy.SLIDE, 0.25, Partition.Skew.NONE, false, 5))
                    .isInstanceOf(UserException.class).hasMessageContaining("test_within_sites");
        }
    }

    @Test
    void plansReadFromYamlWithClearErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.yaml"), """
                strategy: fedprox
                sites: [hospital-a, hospital-b, hospital-c]
                rounds: 4
                mu: 0.1
                model: {architecture: resnet18, input_size: 96, classes: 2}
                training: {batch_size: 16, learning_rate: 0.0005}
                faults: {policy: wait, deadline_seconds: 30}
                """);
        Plan plan = Plan.read(file);
        assertThat(plan.strategy).isEqualTo("fedprox");
        assertThat(plan.sites).containsExactly("hospital-a", "hospital-b", "hospital-c");
        assertThat(plan.strategySettings()).containsEntry("mu", 0.1).containsEntry("rounds", 4);
        assertThat(plan.model.id()).isEqualTo("resnet18/2/96");
        assertThat(plan.faults.policy).isEqualTo("wait");
        Files.writeString(file, "strategy: cyclical\nsites: [a, b]\npeer_to_peer: true\nfaults: {policy: retry}\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class).hasMessageContaining("retry");
        Files.writeString(file, "strategy: fedavg\nsites: [a, a]\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class).hasMessageContaining("twice");
        Files.writeString(file, "strategy: central\nsites: [a, b]\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class).hasMessageContaining("one site");
        assertThatThrownBy(() -> Plan.read(dir.resolve("none.yaml"))).isInstanceOf(UserException.class);
        // each strategy checks its own settings: fedprox without a pull is refused, a foreign setting is named
        Files.writeString(file, "strategy: fedprox\nsites: [a, b]\nmu: 0\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("mu 0.0: give a positive proximal weight").hasMessageContaining("fedavg");
        Files.writeString(file, "strategy: fedavg\nsites: [a, b]\ncycles: 3\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("cycles is not a setting of strategy fedavg");
        Files.writeString(file, "strategy: fedaverage\nsites: [a, b]\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("'fedaverage' is not one of").hasMessageContaining("cyclical");
        // training takes TrainConfig's keys and defaults, checked by it
        Files.writeString(file, "strategy: fedavg\nsites: [a, b]\ntraining: {learning_rate: -1}\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("learning_rate -1.0");
        Files.writeString(file, "strategy: fedavg\nsites: [a, b]\ntraining: {lr_schedule: cosine}\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("lr_schedule is not a setting of training");
        // the documented example plan reads as it says
        Plan example = Plan.read(Path.of("examples/plan.yaml"));
        assertThat(example.strategy).isEqualTo("fedavg");
        assertThat(example.faults.deadlineSeconds).isEqualTo(60);
    }

    @Test
    void theListenAddressIsCheckedWithThePlan() throws Exception {
        Path file = dir.resolve("plan.yaml");
        for (String listen : List.of("127.0.0.1:70000", "127.0.0.1:-1", "7443", "127.0.0.1:port")) {
            Files.writeString(file, "strategy: fedavg\nsites: [a]\nrounds: 1\nlisten: '" + listen + "'\n");
            assertThatThrownBy(() -> Plan.read(file)).as(listen).isInstanceOf(UserException.class)
                    .hasMessageStartingWith("listen " + listen + ":")
                    .satisfies(e -> assertThat(((UserException) e).key()).contains("listen"));
        }
        Files.writeString(file, "strategy: fedavg\nsites: [a]\nrounds: 1\nlisten: 0.0.0.0:0\n");
        assertThat(Plan.read(file).listen).isEqualTo("0.0.0.0:0"); // port 0: any free port
    }
}
