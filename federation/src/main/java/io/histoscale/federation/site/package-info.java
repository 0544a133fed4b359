/**
 * A hospital's process: serves the coordinator's tasks on its own patches through the train module's one loop,
 * sends back only weights and aggregates, hands weights peer to peer, and audits everything it sends.
 */
package io.histoscale.federation.site;
