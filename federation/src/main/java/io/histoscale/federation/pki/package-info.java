/**
 * The federation's certificate authority (BouncyCastle): a CA and one certificate per coordinator or site.
 */
package io.histoscale.federation.pki;
