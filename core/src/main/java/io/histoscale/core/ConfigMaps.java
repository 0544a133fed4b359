package io.histoscale.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed configuration objects (records) as maps of snake_case keys, and back: how a configuration travels through a
 * YAML file, a web form, a search sampler or a federated task without a command line in between. Values are what JSON
 * holds: numbers, flags, texts, lists and nested maps; enums travel as their JSON names.
 */
public final class ConfigMaps {

    private ConfigMaps() {
    }

    /** {@code learningRate -> learning_rate}. */
    public static String snake(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** {@code learning_rate -> learningRate}. */
    public static String camel(String snake) {
        StringBuilder s = new StringBuilder(snake.length());
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }

    /** The object's properties, snake_case keys at every depth, in declaration order. */
    public static Map<String, Object> toMap(Object config) {
        JsonNode tree = Json.MAPPER.valueToTree(config);
        return Json.MAPPER.convertValue(rename(tree, true), new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /**
     * The object of type {@code type} whose properties are {@code base}'s, replaced by those {@code changes} gives
     * (snake_case keys; nested maps replace nested objects whole).
     *
     * @param owner what the map configures, for messages
     * @throws UserException naming the key of an unknown setting or of a value of the wrong type
     */
    public static <T> T merge(T base, Map<String, ?> changes, Class<T> type, String owner) {
        Map<String, Object> merged = toMap(base);
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            if (!merged.containsKey(e.getKey())) {
                throw UserException.forKey(e.getKey(), "is not a setting of " + owner + " (its settings: "
                        + String.join(", ", merged.keySet()) + ")");
            }
            merged.put(e.getKey(), e.getValue());
        }
        JsonNode camel = rename(Json.MAPPER.valueToTree(merged), false);
        try {
            return Json.MAPPER.treeToValue(camel, type);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String key = e.getPath().isEmpty() ? "?" : snake(e.getPath().get(0).getFieldName() == null ? "?"
                    : e.getPath().get(0).getFieldName());
            throw UserException.forKey(key, "'" + changes.get(key) + "' has the wrong type (" + owner + ")");
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof UserException u ? u : e;
            if (cause instanceof UserException u) {
                throw u;
            }
            throw new UserException(owner + ": " + e.getMessage().lines().findFirst().orElse("bad settings"), e);
        }
    }

    private static JsonNode rename(JsonNode node, boolean toSnake) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.set(toSnake ? snake(f.getKey()) : camel(f.getKey()), rename(f.getValue(), toSnake));
            }
            return out;
        }
        return node;
    }
}
