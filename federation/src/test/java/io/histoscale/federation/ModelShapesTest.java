package io.histoscale.federation;

import io.histoscale.federation.audit.AuditCheck;
import io.histoscale.model.CnnArchitecture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit lines name a CNN family genome like any other model: {@code architecture/classes/input}. */
class ModelShapesTest {

    @Test
    void aGenomesIdPassesThroughUnchanged() {
        Plan.ModelPlan plan = new Plan.ModelPlan();
        plan.architecture = "cnn-s2-b1-w0.50-k3-inverted-e2-se-d0.10";
        plan.classes = 2;
        plan.inputSize = 32;
        assertThat(plan.id()).isEqualTo("cnn-s2-b1-w0.50-k3-inverted-e2-se-d0.10/2/32");

        AuditCheck.BufferSizes sizes = ModelShapes.sizes(plan.id());
        assertThat(sizes.parameters()).isEqualTo(CnnArchitecture.fromName(plan.architecture).parameterCount(2));
        // batch norms: stem 8, stage 0 (16 + 16 + 8), stage 1 (16 + 16 + 16), two running statistics each
        assertThat(sizes.statistics()).isEqualTo(2 * (8 + 40 + 48));
    }
}
