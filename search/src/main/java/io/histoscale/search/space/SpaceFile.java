package io.histoscale.search.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.histoscale.core.UserException;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a search space from YAML: one key per parameter.
 *
 * <pre>
 * learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
 * batch_size:    {type: categorical, choices: [32, 64, 128]}
 * optimizer:     {type: categorical, choices: [adam, sgd]}
 * momentum:      {type: float, low: 0.8, high: 0.99, when: {optimizer: [sgd]}}
 * arch.stages:   {type: int, low: 2, high: 4}
 * epochs:        9                                  # a fixed value (or {type: fixed, value: 9})
 * </pre>
 *
 * Types: {@code float} (low, high, log, step), {@code int} (low, high, step, log), {@code categorical} (choices),
 * {@code fixed} (value). {@code when: {PARENT: [values]}} makes a parameter conditional on a categorical parent. Each
 * mistake is one line naming the file, the parameter and what to do.
 */
public final class SpaceFile {

    /** Largest space read: a page of settings. */
    static final int MAX_BYTES = 64 << 10;
    private static final Set<String> TYPES = Set.of("float", "int", "categorical", "fixed");

    private SpaceFile() {
    }

    /**
     * The space in {@code file}.
     *
     * @throws UserException naming the file, for a missing or oversized file, bad YAML or a bad parameter
     */
    public static SearchSpace read(Path file) {
        return parse(file, text(file));
    }

    /**
     * The YAML text of a space file, at most {@value #MAX_BYTES} bytes (what a study records).
     *
     * @throws UserException naming the file when it is missing, unreadable or too large
     */
    public static String text(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UserException(file + ": " + Files.size(file) + " bytes is too large for a search"
                        + " space (at most " + MAX_BYTES + ")");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file; give the search space's YAML file");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read it: " + e.getMessage());
        }
    }

    /** The space {@code yaml} (read from {@code file}) describes; a mistake names the file. */
    public static SearchSpace parse(Path file, String yaml) {
        try {
            return parse(yaml);
        } catch (UserException e) {
            throw new UserException(file + ": " + e.getMessage());
        }
    }

    /** The space a YAML text describes. */
    public static SearchSpace parse(String yaml) {
        JsonNode root;
        try {
            root = mapper().readTree(yaml);
        } catch (IOException e) {
            throw new UserException("not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new UserException("no parameters: give one key per parameter, e.g. "
                    + "learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}");
        }
        List<Param> params = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.add(param(e.getKey(), e.getValue()));
        }
        return new SearchSpace(params);
    }

    private static Param param(String name, JsonNode n) {
        if (!n.isObject()) {
            return new FixedParam(name, scalar(name, n), null);
        }
        String type = n.path("type").asText("");
        if (type.isEmpty()) {
            throw Values.bad(name, "no type: give type: float, int, categorical or fixed");
        }
        if (!TYPES.contains(type)) {
            throw Values.bad(name, "unknown type '" + type + "': give float, int, categorical or fixed");
        }
        Set<String> allowed = switch (type) {
            case "float", "int" -> Set.of("type", "low", "high", "log", "step", "when");
            case "categorical" -> Set.of("type", "choices", "when");
            default -> Set.of("type", "value", "when");
        };
        for (Iterator<String> keys = n.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!allowed.contains(k)) {
                throw Values.bad(name, "unknown key '" + k + "' for a " + type + " parameter: give "
                        + new java.util.TreeSet<>(allowed));
            }
        }
        Condition when = condition(name, n.get("when"));
        return switch (type) {
            case "float", "int" -> range(name, type, n, when);
            case "categorical" -> categorical(name, n, when);
            default -> {
                if (!n.has("value")) throw Values.bad(name, "a fixed parameter needs value: V");
                yield new FixedParam(name, scalar(name, n.get("value")), when);
            }
        };
    }

    private static Param range(String name, String type, JsonNode n, Condition when) {
        double low = number(name, n, "low");
        double high = number(name, n, "high");
        boolean log = n.path("log").asBoolean(false);
        boolean integer = type.equals("int");
        double step = n.has("step") ? number(name, n, "step") : integer ? 1 : 0;
        if (!(low < high)) {
            throw Values.bad(name, (low == high ? "empty" : "inverted") + " range [" + fmt(low) + ", "
                    + fmt(high) + "]: give low < high (or a fixed value)");
        }
        if (log && low <= 0) {
            throw Values.bad(name, "a log range needs low > 0, not " + fmt(low));
        }
        if (step < 0 || (integer && (step < 1 || step != Math.rint(step)))) {
            throw Values.bad(name, "step " + fmt(step) + ": give a positive " + (integer ? "whole " : "")
                    + "number");
        }
        if (step > 0 && step > high - low) {
            throw Values.bad(name, "step " + fmt(step) + " is larger than the range [" + fmt(low) + ", "
                    + fmt(high) + "]");
        }
        if (integer && (low != Math.rint(low) || high != Math.rint(high))) {
            throw Values.bad(name, "an int range needs whole bounds, not [" + fmt(low) + ", " + fmt(high)
                    + "]");
        }
        return integer ? new IntParam(name, low, high, log, step, when) : new FloatParam(name, low, high, log, step, when);
    }

    private static Param categorical(String name, JsonNode n, Condition when) {
        JsonNode choices = n.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw Values.bad(name, "a categorical parameter needs choices: [A, B, ...]");
        }
        List<Object> values = new ArrayList<>();
        for (JsonNode c : choices) {
            Object v = scalar(name, c);
            for (Object seen : values) {
                if (Values.same(seen, v)) throw Values.bad(name, "choice " + v + " given twice");
            }
            values.add(v);
        }
        return new CategoricalParam(name, values, when);
    }

    private static Condition condition(String name, JsonNode when) {
        if (when == null) {
            return null;
        }
        if (!when.isObject() || when.size() != 1) {
            throw Values.bad(name, "when: give one parent and its values, e.g. when: {optimizer: [sgd]}");
        }
        Map.Entry<String, JsonNode> e = when.fields().next();
        List<Object> values = new ArrayList<>();
        if (e.getValue().isArray()) {
            for (JsonNode v : e.getValue()) values.add(scalar(name, v));
        } else {
            values.add(scalar(name, e.getValue()));
        }
        if (values.isEmpty()) {
            throw Values.bad(name, "when: " + e.getKey() + " lists no values");
        }
        return new Condition(e.getKey(), values);
    }

    private static double number(String name, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw Values.bad(name, "missing " + key + ": a range needs low and high");
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        try {
            // YAML 1.1 reads 1e-4 (no dot) as text
            double d = Double.parseDouble(v.asText());
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Values.bad(name, key + " '" + v.asText() + "' is not a number");
    }

    private static Object scalar(String name, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue();
        if (v.isTextual()) return v.textValue();
        throw Values.bad(name, "'" + v + "' is not a number, text or true/false");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static ObjectMapper mapper() {
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(10);
        limits.setAllowRecursiveKeys(false);
        limits.setNestingDepthLimit(20);
        limits.setCodePointLimit(MAX_BYTES);
        return new ObjectMapper(YAMLFactory.builder().loaderOptions(limits).build());
    }
}
