/**
 * The web dashboard and its HTTP API ({@code /api/v1}): runs with live curves, submissions through the command line's
 * own validation and executors, slides in a deep-zoom viewer with overlays, staged patients, federation and the
 * cluster; behind a login, reading only under configured folders.
 */
package io.histoscale.server;
