package io.histoscale.federation.coordinator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.JsonLines;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.SiteResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code rounds.jsonl}: one line per finished round — who was asked, who answered, time and bytes. */
final class RoundLog {

    private final Path file;

    RoundLog(Path file) {
        this.file = file;
    }

    /** Starts the log afresh (a new run in the folder). */
    void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void append(int round, double seconds, long bytes, List<Assignment> assignments, List<SiteResult> results) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("seconds", seconds);
        line.put("bytes", bytes);
        line.putPOJO("assigned", assignments.stream().map(Assignment::site).toList());
        var answered = line.putArray("results");
        for (SiteResult r : results) {
            ObjectNode o = answered.addObject();
            o.put("site", r.site());
            o.put("samples", r.samples());
            o.put("epochs", r.epochs());
            o.put("train_seconds", r.trainSeconds());
            o.put("train_loss", r.trainLoss());
            if (r.validationAuc() != null) {
                o.put("validation_auc", r.validationAuc());
            }
            if (r.handedTo() != null) {
                o.put("handed_to", r.handedTo());
            }
        }
        JsonLines.append(file, line);
    }
}
