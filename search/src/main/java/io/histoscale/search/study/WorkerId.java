package io.histoscale.search.study;

import java.util.Optional;

/**
 * Who holds a trial: {@code host/pid/slot}. A trial held by a process of this host that no longer exists is handed
 * back at once; one held elsewhere only after its heartbeat stops.
 */
public record WorkerId(String host, long pid, int slot) {

    /** Worker {@code slot} of this process. */
    public static WorkerId current(int slot) {
        return new WorkerId(thisHost(), ProcessHandle.current().pid(), slot);
    }

    /** The worker a stored id names; empty for a text that is not one. */
    public static Optional<WorkerId> parse(String text) {
        if (text == null) return Optional.empty();
        String[] p = text.split("/");
        if (p.length != 3) return Optional.empty();
        try {
            return Optional.of(new WorkerId(p[0], Long.parseLong(p[1]), Integer.parseInt(p[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this worker's process is known to be gone: it ran on this host and no such process exists. */
    public boolean knownDead() {
        return host.equals(thisHost()) && pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty();
    }

    static String thisHost() {
        return io.histoscale.registry.RunRegistry.hostName();
    }

    @Override
    public String toString() {
        return host + "/" + pid + "/" + slot;
    }
}
