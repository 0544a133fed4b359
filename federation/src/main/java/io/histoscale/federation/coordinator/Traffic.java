package io.histoscale.federation.coordinator;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes a federated run moved: to sites, from sites, and straight between sites (peer-to-peer hand-offs). */
final class Traffic {

    final AtomicLong toSites = new AtomicLong();
    final AtomicLong fromSites = new AtomicLong();
    final AtomicLong betweenSites = new AtomicLong();

    long total() {
        return toSites.get() + fromSites.get() + betweenSites.get();
    }

    void set(long to, long from, long between) {
        toSites.set(to);
        fromSites.set(from);
        betweenSites.set(between);
    }
}
