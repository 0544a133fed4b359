package io.histoscale.model;

import ai.djl.Device;
import io.histoscale.core.UserException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a {@code --device} value ({@code cpu}, {@code gpu}, {@code gpu:N}) into a DJL {@link Device}. */
public final class Devices {

    /** What to do when a GPU is asked for and PyTorch sees none. */
    static final String NO_GPU_HELP = "no GPU visible to PyTorch (CUDA natives not installed?): use device cpu, or "
            + "install a CUDA build of libtorch 2.7.1 and point DJL at it (PYTORCH_LIBRARY_PATH=<libtorch>/lib, "
            + "PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128)";

    private static final Pattern SPEC = Pattern.compile("cpu|gpu(?::(\\d{1,4}))?");

    private Devices() {
    }

    /**
     * Parses a device name and checks it against the GPUs PyTorch can see.
     *
     * @param spec     {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N} (case-insensitive)
     * @param gpuCount how many GPUs the engine sees
     * @throws UserException when the name is malformed or names a GPU that is not there
     */
    public static Device parse(String spec, int gpuCount) {
        Matcher m = SPEC.matcher(spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw UserException.forKey("device", "'" + spec + "': expected cpu, gpu or gpu:N (N = 0, 1, ...)");
        }
        if (m.group().equals("cpu")) {
            return Device.cpu();
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        if (gpuCount == 0) {
            throw UserException.forKey("device", spec + ": " + NO_GPU_HELP);
        }
        if (index >= gpuCount) {
            throw UserException.forKey("device", spec + ": PyTorch sees " + gpuCount + " GPU(s): use gpu:0 to gpu:"
                    + (gpuCount - 1));
        }
        return Device.gpu(index);
    }

    /** The name {@link #parse} accepts for this device: {@code cpu} or {@code gpu:N}. */
    public static String name(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}
