/**
 * Networks and the engine under them: PyTorch (DJL) set-up, devices, architectures, model specifications,
 * weights as flat buffers that travel between processes.
 */
package io.histoscale.model;
