package io.histoscale.federation.coordinator;

import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.strategy.Strategy.SiteInfo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sites a coordinator knows: which are connected now (one {@link SiteLink} each; a site that joins again replaces
 * its old session) and what each said when it last joined (kept when it drops out). Thread-safe; waiting for sites to
 * join is done here.
 */
final class SiteRegistry {

    private final List<String> planned;
    private final Map<String, SiteLink> links = new ConcurrentHashMap<>();
    private final Map<String, SiteInfo> known = new ConcurrentHashMap<>();
    private final Map<String, Hello> hellos = new ConcurrentHashMap<>();
    private final Object joins = new Object();

    /** @param planned the plan's sites, in its order */
    SiteRegistry(List<String> planned) {
        this.planned = List.copyOf(planned);
    }

    boolean isPlanned(String name) {
        return planned.contains(name);
    }

    /** Records a site's new session and what it said it holds; the old session, if any, is lost. */
    void joined(SiteLink link, SiteInfo info, Hello hello) {
        known.put(info.name(), info);
        hellos.put(info.name(), hello);
        SiteLink old = links.put(info.name(), link);
        if (old != null && old != link) {
            old.lost("replaced by a new session of " + info.name());
        }
        synchronized (joins) {
            joins.notifyAll();
        }
    }

    /** Forgets {@code link} when it is still the site's current session. */
    void left(String name, SiteLink link) {
        links.remove(name, link);
    }

    SiteLink link(String name) {
        return links.get(name);
    }

    SiteInfo info(String name) {
        return known.get(name);
    }

    Set<String> connected() {
        return Set.copyOf(links.keySet());
    }

    List<SiteLink> links() {
        return List.copyOf(links.values());
    }

    int connectedCount() {
        return links.size();
    }

    boolean anyKnown() {
        return !known.isEmpty();
    }

    /** What each site that has joined said it holds when it last joined, in the plan's order. */
    Map<String, Hello> hellos() {
        Map<String, Hello> inOrder = new java.util.LinkedHashMap<>();
        planned.stream().filter(hellos::containsKey).forEach(name -> inOrder.put(name, hellos.get(name)));
        return inOrder;
    }

    /** Sites that have joined at least once, in the plan's order. */
    List<SiteInfo> knownInPlanOrder() {
        return planned.stream().filter(known::containsKey).map(known::get).toList();
    }

    /** Waits until all planned sites are connected or {@code seconds} have passed. */
    void awaitAll(double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        synchronized (joins) {
            while (links.size() < planned.size() && System.nanoTime() < deadline) {
                if (!waitUntil(deadline)) {
                    return;
                }
            }
        }
    }

    /** Waits until {@code name} is connected or the deadline (System.nanoTime) passes; returns whether it is. */
    boolean await(String name, long deadline) {
        synchronized (joins) {
            while (!links.containsKey(name) && System.nanoTime() < deadline) {
                if (!waitUntil(deadline)) {
                    return false;
                }
            }
            return links.containsKey(name);
        }
    }

    private boolean waitUntil(long deadline) {
        try {
            joins.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
