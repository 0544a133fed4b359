package io.histoscale.search.sampler;

import io.histoscale.core.Settings;

/**
 * Makes one kind of {@link Sampler} from its settings; found with {@link java.util.ServiceLoader} (one line in
 * {@code META-INF/services/io.histoscale.search.sampler.SamplerFactory}). A new sampler is a new file plus that line.
 */
public interface SamplerFactory {

    /** The name {@code --sampler} takes. */
    String name();

    /** One line for help and error texts. */
    String description();

    /**
     * The sampler with these settings; reads every key it knows (the caller refuses the keys nobody read).
     *
     * @throws io.histoscale.core.UserException keyed by a setting out of range
     */
    Sampler create(Settings settings);
}
