/**
 * The site's hash-chained audit log of everything that left it, and its verification.
 */
package io.histoscale.federation.audit;
