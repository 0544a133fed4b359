/**
 * What every module shares and nothing else: user errors with an optional configuration key, files written
 * atomically, SHA-256, the one configured JSON mapper, JSON-lines files and typed configuration maps.
 */
package io.histoscale.core;
