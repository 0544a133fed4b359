package io.histoscale.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's metrics file ({@link Run#metricsFile()}; for training, {@code metrics.jsonl}): one JSON object per line,
 * appended as the run goes, so it may be read while it grows.
 *
 * <p>Each line is read as its numbers by name: nested objects flattened with dots ({@code val.auc}), booleans as 1 or
 * 0, text and arrays left out. A training line has {@code epoch}, {@code trainLoss}, {@code imagesPerSecond},
 * {@code seconds}, {@code best} and {@code val.*}.
 */
public final class MetricsFile {

    private MetricsFile() {
    }

    /**
     * The whole lines of {@code file}, oldest first; reading stops at a line that is not JSON (one being written).
     * Empty when the file is null, missing or unreadable: a run that has not written yet has no progress.
     */
    public static List<Map<String, Double>> read(Path file) {
        List<Map<String, Double>> lines = new ArrayList<>();
        if (file == null || !Files.isRegularFile(file)) return Collections.unmodifiableList(lines);
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException partial) {
                    break;
                }
                Map<String, Double> numbers = new LinkedHashMap<>();
                flatten("", node, numbers);
                lines.add(Collections.unmodifiableMap(numbers));
            }
        } catch (IOException e) {
            // not readable (yet): what was read so far is the progress
        }
        return Collections.unmodifiableList(lines);
    }

    /**
     * The final figures of a training run from its lines: the last line's {@code epochs} and {@code train_loss}, the
     * mean {@code images_per_s}, the total {@code seconds}, and the {@code best_epoch} (the last line marked best, else
     * the last line) with its validation figures as {@code val_auc}, {@code val_accuracy}, {@code val_loss},
     * {@code val_sensitivity} and {@code val_specificity}. Empty without lines.
     */
    public static Map<String, Double> summary(List<Map<String, Double>> lines) {
        Map<String, Double> m = new TreeMap<>();
        if (lines.isEmpty()) return m;
        Map<String, Double> last = lines.get(lines.size() - 1);
        m.put("epochs", last.getOrDefault("epoch", 0.0));
        m.put("train_loss", last.getOrDefault("trainLoss", 0.0));
        m.put("images_per_s", lines.stream().mapToDouble(l -> l.getOrDefault("imagesPerSecond", 0.0)).average()
                .orElse(0));
        m.put("seconds", lines.stream().mapToDouble(l -> l.getOrDefault("seconds", 0.0)).sum());
        Map<String, Double> best = last;
        for (Map<String, Double> l : lines) if (l.getOrDefault("best", 0.0) != 0) best = l;
        m.put("best_epoch", best.getOrDefault("epoch", 0.0));
        for (String name : List.of("auc", "accuracy", "loss", "sensitivity", "specificity")) {
            Double v = best.get("val." + name);
            if (v != null) m.put("val_" + name, v);
        }
        return m;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Double> into) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isNumber()) into.put(name, v.doubleValue());
            else if (v.isBoolean()) into.put(name, v.booleanValue() ? 1.0 : 0.0);
            else if (v.isObject()) flatten(name + ".", v, into);
        }
    }
}
