package io.histoscale.federation.strategy;

import io.histoscale.federation.ModelWeights;
import io.histoscale.federation.Plan;
import io.histoscale.train.metrics.Predictions;

import java.util.List;
import java.util.function.Function;

/**
 * How a federated experiment proceeds, in the spirit of Flower's {@code Strategy}: each round the strategy says
 * which sites train from which weights and for how long ({@link #configure}); when they answer it turns their
 * results into the new global state ({@link #aggregate}); at the end it says how the state predicts
 * ({@link #predict}). The coordinator does the rest (transport, faults, checkpoints), so a strategy is a few pure
 * functions of the round, the state and the sites.
 */
public interface Strategy {

    /** The plan's name for it: central, ensemble, single, cyclical, fedavg or fedprox. */
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

    /** Builds the plan's strategy. */
    static Strategy of(Plan plan) {
        return switch (plan.strategy) {
            case "central" -> new Central(plan.epochs);
            case "ensemble" -> new Ensemble(plan.maxEpochs, plan.patience);
            case "single" -> new SingleTransfer(plan.maxEpochs, plan.patience);
            case "cyclical" -> new Cyclical(plan.cycles, plan.localEpochs, plan.peerToPeer);
            case "fedavg" -> new FedAvg(plan.rounds, plan.localEpochs, 0);
            case "fedprox" -> new FedAvg(plan.rounds, plan.localEpochs, plan.mu);
            default -> throw new IllegalArgumentException(plan.strategy);
        };
    }

    /** A connected site as its hello described it. */
    record SiteInfo(String name, long trainSamples, long validationSamples, String peerAddress) {
    }

    /**
     * One site's task in a round.
     *
     * @param site     who trains
     * @param model    which of the state's models it starts from
     * @param epochs   epochs over its training patches (the most, with patience)
     * @param patience > 0: stop when validation has not improved for this many epochs; keep the best
     * @param mu       FedProx's proximal weight (0: none)
     * @param fromPeer start from the weights the previous site hands over directly, not the coordinator's
     * @param nextPeer hand the result straight to this site (peer-to-peer), or null to return it
     * @param progress the part of the strategy's training budget the task covers (the learning-rate schedule's x)
     */
    record Assignment(String site, int model, double epochs, int patience, double mu, boolean fromPeer,
                      String nextPeer, Progress progress) {
        public static Assignment train(String site, double epochs) {
            return new Assignment(site, 0, epochs, 0, 0, false, null, Progress.WHOLE);
        }
    }

    /**
     * Where a task lies in its strategy's training budget, as shares from 0 to 1: a learning-rate schedule is a
     * function of this global progress, so every strategy anneals alike over the same budget (central over its
     * epochs, cyclical over its hops, FedAvg over its rounds, each per-site model over its own epochs).
     */
    record Progress(double from, double to) {
        /** A task that is the whole budget. */
        public static final Progress WHOLE = new Progress(0, 1);

        public Progress {
            if (!(0 <= from && from < to && to <= 1)) {
                throw new IllegalArgumentException("progress " + from + ".." + to + " is not within 0..1");
            }
        }

        /** Round {@code round} (from 1) of {@code rounds} equal ones. */
        public static Progress round(int round, int rounds) {
            return new Progress((round - 1) / (double) rounds, Math.min(1, round / (double) rounds));
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
