/**
 * What crosses the wire: mutual TLS, chunked and checksummed weight transfers, flow-controlled outboxes, config
 * maps in protobuf and addresses.
 */
package io.histoscale.federation.transport;
