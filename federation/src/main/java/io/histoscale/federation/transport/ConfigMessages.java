package io.histoscale.federation.transport;

import io.histoscale.federation.proto.Config;
import io.histoscale.federation.proto.Value;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Config maps ({@code key -> number, whole number, flag, text or map}) to and from their protobuf form. */
public final class ConfigMessages {

    private ConfigMessages() {
    }

    /** The protobuf entries of a config map, keys sorted. */
    public static Map<String, Value> toProto(Map<String, ?> config) {
        Map<String, Value> out = new TreeMap<>();
        config.forEach((k, v) -> {
            if (v != null) {
                out.put(k, value(k, v));
            }
        });
        return out;
    }

    /** A config map from its protobuf entries. */
    public static Map<String, Object> fromProto(Map<String, Value> entries) {
        Map<String, Object> out = new LinkedHashMap<>();
        new TreeMap<>(entries).forEach((k, v) -> out.put(k, plain(v)));
        return out;
    }

    private static Value value(String key, Object v) {
        if (v instanceof Boolean b) {
            return Value.newBuilder().setFlag(b).build();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return Value.newBuilder().setInteger(((Number) v).longValue()).build();
        }
        if (v instanceof Number n) {
            return Value.newBuilder().setNumber(n.doubleValue()).build();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((k, x) -> nested.put(k.toString(), x));
            return Value.newBuilder().setMap(Config.newBuilder().putAllEntries(toProto(nested))).build();
        }
        if (v instanceof CharSequence || v instanceof Enum<?>) {
            return Value.newBuilder().setText(v.toString()).build();
        }
        throw new IllegalArgumentException("config value " + key + " = " + v + " is not a number, flag, text or map");
    }

    private static Object plain(Value v) {
        return switch (v.getKindCase()) {
            case NUMBER -> v.getNumber();
            case INTEGER -> v.getInteger();
            case FLAG -> v.getFlag();
            case TEXT -> v.getText();
            case MAP -> fromProto(v.getMap().getEntriesMap());
            case KIND_NOT_SET -> null;
        };
    }
}
