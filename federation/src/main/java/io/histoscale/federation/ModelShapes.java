package io.histoscale.federation;

import ai.djl.Device;
import ai.djl.Model;
import io.histoscale.federation.audit.AuditCheck;
import io.histoscale.model.Architecture;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Buffer sizes of the models audit lines name ({@code architecture/classes/input}), computed by building them. */
public final class ModelShapes {

    private static final Map<String, AuditCheck.BufferSizes> SIZES = new ConcurrentHashMap<>();

    private ModelShapes() {
    }

    /** @throws IllegalArgumentException for a name that is not {@code architecture/classes/input} */
    public static AuditCheck.BufferSizes sizes(String model) {
        return SIZES.computeIfAbsent(model, m -> {
            String[] parts = m.split("/");
            if (parts.length != 3) {
                throw new IllegalArgumentException("model '" + m + "' is not architecture/classes/input");
            }
            ModelSpec spec = ModelSpec.builder().setArchitecture(Architecture.fromName(parts[0]))
                    .setNumClasses(Integer.parseInt(parts[1])).optInputSize(Integer.parseInt(parts[2])).build();
            try (Model built = spec.newModel(Device.cpu())) {
                FlatParameters flat = FlatParameters.of(built);
                return new AuditCheck.BufferSizes(flat.size(), flat.statisticsSize());
            }
        });
    }
}
