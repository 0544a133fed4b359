package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;

import java.util.Map;

/**
 * Makes one kind of {@link Strategy} from a plan's settings; found with {@link java.util.ServiceLoader} (one line in
 * {@code META-INF/services/io.histoscale.federation.strategy.StrategyFactory}), in the spirit of QuPath's image server
 * builders. Each factory parses and checks its own settings.
 */
public interface StrategyFactory {

    /** The plan's name for the strategy ({@code strategy: NAME}). */
    String name();

    /** One line for help and error texts. */
    String description();

    /**
     * The strategy the plan's settings describe. Reads every key it knows from {@code settings} (the caller then
     * refuses the keys nobody read).
     *
     * @throws io.histoscale.core.UserException keyed by a setting out of range
     */
    Strategy create(Settings settings);

    /**
     * Settings giving the strategy a training budget of {@code epochs} epochs over all sites' data, for comparing
     * strategies fairly ({@code federate compare}).
     *
     * @param options settings a comparison offers every strategy ({@code patience}, {@code mu}); take what applies
     */
    Map<String, Object> forBudget(double epochs, Map<String, Object> options);
}
