package io.histoscale.federation.site;

import io.histoscale.federation.proto.CoordinatorMessage;

/** What arrives on a site's session with the coordinator, in order. */
sealed interface Inbound {

    /** A task or a chunk of weights. */
    record Message(CoordinatorMessage message) implements Inbound {
    }

    /** The connection broke. */
    record Broken(Throwable cause) implements Inbound {
    }

    /** The coordinator ended the session. */
    record Ended() implements Inbound {
    }
}
