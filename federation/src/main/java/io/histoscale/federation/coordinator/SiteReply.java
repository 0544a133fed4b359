package io.histoscale.federation.coordinator;

import io.histoscale.federation.proto.Result;
import io.histoscale.model.ModelWeights;

/**
 * A site's answer to a task: its result and the weights it returned, or null weights when it handed them to a peer.
 */
record SiteReply(Result result, ModelWeights weights) {
}
