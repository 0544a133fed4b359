package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;

import java.util.List;
import java.util.Map;

/**
 * Cyclical weight transfer (Chang et al. 2018): the weights visit the sites in order, training a fixed number of
 * epochs at each, for a number of cycles; one hop per round. Peer-to-peer, each site hands the weights straight to the
 * next and the coordinator only orders the hops (the last hop returns them). A site missing at its hop is skipped;
 * peer-to-peer, the hop after a failed one starts again from the coordinator's last copy. The learning-rate schedule
 * runs over all hops of all cycles.
 */
final class Cyclical implements Strategy {

    private final int cycles;
    private final double epochsPerHop;
    private final boolean peerToPeer;

    Cyclical(int cycles, double epochsPerHop, boolean peerToPeer) {
        this.cycles = cycles;
        this.epochsPerHop = epochsPerHop;
        this.peerToPeer = peerToPeer;
    }

    @Override
    public String name() {
        return "cyclical";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        int hops = cycles * sites.size();
        if (sites.isEmpty() || round > hops) {
            return List.of();
        }
        String site = sites.get((round - 1) % sites.size()).name();
        boolean fromPeer = peerToPeer && site.equals(state.heldBy());
        String next = peerToPeer && round < hops ? sites.get(round % sites.size()).name() : null;
        return List.of(new Assignment(site, 0, fromPeer, next,
                TaskKeys.stretch((round - 1) * epochsPerHop, round * epochsPerHop, hops * epochsPerHop)));
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        if (results.isEmpty()) {
            return state.unchanged(round);
        }
        SiteResult r = results.get(0);
        if (r.handedTo() != null) {
            return new GlobalState(round, state.models(), List.of(), r.handedTo(), r.transfer());
        }
        return state.next(round, r.weights());
    }

    /**
     * {@code strategy: cyclical}; settings {@code cycles} (default 2), {@code local_epochs} per hop (default 1),
     * {@code peer_to_peer} (default false).
     */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "cyclical";
        }

        @Override
        public String description() {
            return "cyclical weight transfer: the weights visit the sites in turn, optionally site to site";
        }

        @Override
        public Strategy create(Settings s) {
            int cycles = s.integer("cycles", 2);
            Settings.check("cycles", cycles, cycles >= 1, "give at least 1");
            double hop = s.number("local_epochs", 1);
            Settings.check("local_epochs", hop, hop > 0, "give a positive number of epochs per hop");
            return new Cyclical(cycles, hop, s.flag("peer_to_peer", false));
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("cycles", (int) Math.round(epochs), "local_epochs", 1,
                    "peer_to_peer", options.getOrDefault("peer_to_peer", false));
        }
    }
}
