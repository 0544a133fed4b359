package io.histoscale.federation.strategy;

import java.util.List;

/**
 * Cyclical weight transfer (Chang et al. 2018): the weights visit the sites in order, training a fixed number of
 * epochs at each, for a number of cycles; one hop per round. Peer-to-peer, each site hands the weights straight to the
 * next and the coordinator only orders the hops (the last hop returns them). A site missing at its hop is skipped;
 * peer-to-peer, the hop after a failed one starts again from the coordinator's last copy.
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
        if (sites.isEmpty() || round > cycles * sites.size()) {
            return List.of();
        }
        String site = sites.get((round - 1) % sites.size()).name();
        boolean fromPeer = peerToPeer && site.equals(state.heldBy());
        String next = peerToPeer && round < cycles * sites.size() ? sites.get(round % sites.size()).name() : null;
        return List.of(new Assignment(site, 0, epochsPerHop, 0, 0, fromPeer, next,
                Progress.round(round, cycles * sites.size())));
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
}
