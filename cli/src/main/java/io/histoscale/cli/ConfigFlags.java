package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.dataset.tile.TileRequest;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.augment.Augmentation;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Configuration keys and command-line flags: the library names settings by their configuration keys
 * ({@code learning_rate}); the command line calls them by its flags ({@code --lr}). A key's flag is {@code --} and
 * the key in kebab case ({@code val_fraction -> --val-fraction}) unless {@link #ALIASES} says otherwise.
 *
 * <p>Two uses: {@link #word} rewords a keyed {@link UserException} for the command that failed, and
 * {@link TrainDefaults} takes the options' defaults from {@link TrainConfig#DEFAULTS}, the one source of defaults.
 */
public final class ConfigFlags {

    /** Keys whose flag is not their kebab-case form. */
    static final Map<String, String> ALIASES = Map.of(
            "learning_rate", "--lr",
            "batch_size", "--batch",
            "input_size", "--size",
            "stain_normalisation", "--stain-norm",
            "augmentation", "--augment",
            "schedule", "--schedule",
            "model", "--model",
            "out", "--out",
            "memory", "--mem");

    private static final Pattern KEY = Pattern.compile("\\b[a-z]+(?:_[a-z]+)+\\b");

    private ConfigFlags() {
    }

    /** {@code val_fraction -> --val-fraction}, or the alias. */
    static String flagOf(String key) {
        String last = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        return ALIASES.getOrDefault(last, "--" + last.replace('_', '-'));
    }

    /** {@code --val-fraction -> val_fraction}, or the key an alias stands for. */
    static String keyOf(String flag) {
        for (Map.Entry<String, String> e : ALIASES.entrySet()) {
            if (e.getValue().equals(flag)) {
                return e.getKey();
            }
        }
        return flag.replaceFirst("^--", "").replace('-', '_');
    }

    /**
     * The message for the user of {@code command}: a keyed error's key becomes the command's flag for it, and so do
     * other multi-word keys the message mentions, when the command has those flags.
     */
    static String word(UserException e, CommandSpec command) {
        Optional<String> key = e.key();
        String text = e.getMessage();
        if (key.isPresent() && has(command, flagOf(key.get()))) {
            // "learning_rate -1.0: ..." reads "--lr -1.0: ..."; a sentence about a setting gets its flag after it
            text = text.startsWith(key.get() + " ") ? flagOf(key.get()) + " " + e.detail()
                    : text + " (" + flagOf(key.get()) + ")";
        }
        return word(text, command);
    }

    /**
     * A library message for the user of {@code command}: the multi-word configuration keys it mentions become the
     * command's flags for them (e.g. a slide's recorded failure, which keeps only the message).
     */
    static String word(String text, CommandSpec command) {
        Matcher m = KEY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String flag = flagOf(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(has(command, flag) ? flag : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean has(CommandSpec command, String flag) {
        return command != null && command.findOption(flag) != null;
    }

    /**
     * Option defaults from a configuration's defaults by key, so that a command declares none of its own for the
     * settings it shares with the library (the command line, a plan and a form cannot drift apart). An option takes
     * the default of the key its flag spells ({@code --min-tissue -> min_tissue}), else of the key it is an alias of.
     */
    public abstract static class MapDefaults implements CommandLine.IDefaultValueProvider {

        private final Map<String, String> defaults;

        MapDefaults(Map<String, ?> defaults) {
            Map<String, String> d = new LinkedHashMap<>();
            defaults.forEach((k, v) -> {
                if (v != null && !(v instanceof Map) && !(v instanceof java.util.Collection)) {
                    String text = v.toString();
                    // enum names (PATIENT) read as the command line spells them (patient)
                    d.put(k, text.matches("[A-Z][A-Z_]*") ? text.toLowerCase(java.util.Locale.ROOT) : text);
                }
            });
            this.defaults = d;
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option) || option.defaultValue() != null) {
                return null;
            }
            for (String name : option.names()) {
                String own = defaults.get(name.replaceFirst("^--", "").replace('-', '_'));
                String aliased = defaults.get(keyOf(name));
                if (own != null || aliased != null) {
                    return own != null ? own : aliased;
                }
            }
            return null;
        }
    }

    /** Defaults of the training settings, from {@link TrainConfig#DEFAULTS}. */
    public static final class TrainDefaults extends MapDefaults {
        public TrainDefaults() {
            super(trainDefaults());
        }

        private static Map<String, Object> trainDefaults() {
            Map<String, Object> d = new LinkedHashMap<>(TrainConfig.DEFAULTS.toMap());
            // threads and workers depend on the machine and the number of ranks: the command decides
            d.remove("threads");
            d.remove("workers");
            Augmentation a = TrainConfig.DEFAULTS.augmentation();
            d.put("augmentation", Augmentation.NAMES.stream().filter(n -> switch (n) {
                case "flip" -> a.flips();
                case "rot90" -> a.rotations();
                case "crop" -> a.crops();
                case "hed" -> a.hedJitter() > 0;
                case "colour" -> a.colourJitter() > 0;
                default -> false;
            }).collect(Collectors.joining(",")));
            d.put("hed_jitter", Augmentation.standard().hedJitter());
            d.put("colour_jitter", Augmentation.standard().colourJitter());
            return d;
        }
    }

    /** Defaults of the tiling settings, from {@link TileRequest#defaults()}. */
    public static final class TileDefaults extends MapDefaults {
        public TileDefaults() {
            super(withoutNulls(TileRequest.defaults()));
        }

        private static Map<String, Object> withoutNulls(Map<String, Object> d) {
            d.remove("threads"); // 0 means all cores; the option says so
            d.remove("stride"); // 0 means the patch size; the option says so
            return d;
        }
    }
}
