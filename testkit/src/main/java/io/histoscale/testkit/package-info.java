/**
 * Fixtures shared by the tests of every module (test scope only): synthetic patch stores.
 */
package io.histoscale.testkit;
