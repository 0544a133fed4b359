package io.histoscale.federation.strategy;

import io.histoscale.model.ModelWeights;
import io.histoscale.train.metrics.Predictions;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a federated experiment proceeds, in the spirit of Flower's {@code Strategy}: each round the strategy says
 * which sites train from which weights and what each does ({@link #configure}, a per-site config map); when they
 * answer it turns their results into the new global state ({@link #aggregate}); at the end it says how the state
 * predicts ({@link #predict}). The coordinator does the rest (transport, faults, checkpoints), so a strategy is a few
 * pure functions of the round, the state and the sites, testable without a network.
 *
 * <p>A new strategy is one file: the strategy and its {@link StrategyFactory}, registered by one line in
 * {@code META-INF/services/io.histoscale.federation.strategy.StrategyFactory}.
 */
public interface Strategy {

    /** The plan's name for it. */
    String name();

    /**
     * The tasks of round {@code round} (from 1), for the sites connected now; an empty list ends training.
     *
     * @param sites connected sites, in the plan's order
     */
    List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites);

    /**
     * The state after a round.
     *
     * @param results the answers of the sites that finished; those that died or timed out are missing
     */
    GlobalState aggregate(int round, GlobalState state, List<SiteResult> results);

    /**
     * Class probabilities of the final state for held-out patches; {@code score} gives one model's. One model by
     * default; an ensemble averages its members'.
     */
    default Predictions predict(GlobalState state, Function<ModelWeights, Predictions> score) {
        return score.apply(state.models().get(0));
    }

    /** A connected site as its hello described it. */
    record SiteInfo(String name, long trainSamples, long validationSamples, String peerAddress) {
    }

    /**
     * One site's task in a round.
     *
     * @param site     who trains
     * @param model    which of the state's models it starts from
     * @param fromPeer start from the weights the previous site hands over directly, not the coordinator's
     * @param nextPeer hand the result straight to this site (peer-to-peer), or null to return it
     * @param config   what to train, as snake_case keys a site's fit understands ({@link TaskKeys}) — which stretch
     *                 of the training budget, whether to keep the best epoch — over the plan's training settings
     */
    record Assignment(String site, int model, boolean fromPeer, String nextPeer, Map<String, Object> config) {
        public Assignment {
            config = Map.copyOf(config);
        }

        /** Train from model 0 and return the result to the coordinator. */
        public static Assignment train(String site, Map<String, Object> config) {
            return new Assignment(site, 0, false, null, config);
        }
    }

    /**
     * A site's answer.
     *
     * @param weights  the trained weights, or null when they were handed to a peer
     * @param handedTo the peer that received the weights, or null
     */
    record SiteResult(String site, long samples, ModelWeights weights, double epochs, double trainSeconds,
                      double trainLoss, Double validationAuc, String handedTo, String transfer) {
    }

    /**
     * Where training stands after {@code round} rounds.
     *
     * @param models    the global model (ensemble: one per site, in {@code members}' order)
     * @param members   the site each model comes from (ensemble), else empty
     * @param heldBy    peer-to-peer: the site now holding the newest weights (the coordinator's are older); else null
     * @param handoff   peer-to-peer: the transfer id under which {@code heldBy} received them
     */
    record GlobalState(int round, List<ModelWeights> models, List<String> members, String heldBy, String handoff) {
        public static GlobalState initial(ModelWeights weights) {
            return new GlobalState(0, List.of(weights), List.of(), null, null);
        }

        public GlobalState next(int round, ModelWeights weights) {
            return new GlobalState(round, List.of(weights), List.of(), null, null);
        }

        public GlobalState unchanged(int round) {
            return new GlobalState(round, models, members, null, null);
        }
    }
}
