/** {@code histoscale bench tiles}: our tile server against a python3-openslide one, measured in the same run. */
package io.histoscale.server.bench;
