package io.histoscale.federation.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.checkpoint.Checkpoint;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code coordinator.ckpt}: the global state after the last finished round (every model's weights and statistics,
 * the ensemble's members), the wall time and the bytes moved so far; a restarted coordinator resumes from it.
 */
final class RoundCheckpoint {

    /** What a checkpoint restores. */
    record Restored(GlobalState state, double seconds, long bytesToSites, long bytesFromSites, long peerBytes) {
    }

    private final Path file;

    RoundCheckpoint(Path file) {
        this.file = file;
    }

    boolean exists() {
        return Checkpoint.exists(file);
    }

    Path file() {
        return file;
    }

    void save(String strategy, GlobalState state, double seconds, Traffic traffic) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("strategy", strategy);
        header.put("round", state.round());
        header.put("models", state.models().size());
        header.putPOJO("members", state.members());
        if (state.heldBy() != null) {
            header.put("held_by", state.heldBy());
        }
        header.put("seconds", seconds);
        header.put("bytes_to_sites", traffic.toSites.get());
        header.put("bytes_from_sites", traffic.fromSites.get());
        header.put("peer_bytes", traffic.betweenSites.get());
        Checkpoint c = new Checkpoint(header);
        for (int i = 0; i < state.models().size(); i++) {
            c.add("model-" + i + "-parameters", state.models().get(i).parameters().duplicate().rewind());
            c.add("model-" + i + "-statistics", state.models().get(i).statistics().duplicate().rewind());
        }
        c.write(file);
    }

    /**
     * @throws UserException when the checkpoint is of another strategy
     */
    Restored restore(String strategy) {
        Checkpoint c = Checkpoint.read(file);
        JsonNode h = c.header();
        if (!h.path("strategy").asText().equals(strategy)) {
            throw new UserException(file + " is a " + h.path("strategy").asText() + " run, the plan says " + strategy
                    + ": use another out folder or do not resume");
        }
        List<ModelWeights> models = new ArrayList<>();
        for (int i = 0; i < h.path("models").asInt(); i++) {
            models.add(new ModelWeights(copy(c.section("model-" + i + "-parameters")),
                    copy(c.section("model-" + i + "-statistics"))));
        }
        List<String> members = new ArrayList<>();
        h.path("members").forEach(m -> members.add(m.asText()));
        // peer-to-peer weights held by a site are gone with the old sessions: resume from the checkpointed copy
        GlobalState state = new GlobalState(h.path("round").asInt(), models, members, null, null);
        return new Restored(state, h.path("seconds").asDouble(), h.path("bytes_to_sites").asLong(),
                h.path("bytes_from_sites").asLong(), h.path("peer_bytes").asLong());
    }

    private static FloatBuffer copy(FloatBuffer values) {
        FloatBuffer out = ModelWeights.floats(values.remaining());
        out.put(values).flip();
        return out;
    }
}
