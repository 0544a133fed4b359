package io.histoscale.model;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Switches the SSE unit of the calling thread to treat denormal floats as zero (flush-to-zero and
 * denormals-are-zero, as TensorFlow does and {@code torch.set_flush_denormal(True)} offers).
 *
 * <p>Once training has driven the loss close to zero, gradients and Adam's second moments fall below 1e-38 and the
 * CPU computes on them many times more slowly: a small network's step (batch 32, 32 px) went from 40 ms to
 * 0.5-1.8 s, in PyTorch as in HistoScale. Threads inherit the setting, so PyTorch's OpenMP workers get it when their
 * pool is created by a thread that has it. Java arithmetic on such a thread flushes denormals too, which no
 * HistoScale code relies on.
 *
 * <p>x86-64 Linux only (glibc's {@code fenv_t} carries MXCSR at byte 28); elsewhere nothing changes.
 */
final class Denormals {

    private static final int MXCSR_OFFSET = 28;
    private static final int FENV_SIZE = 32;
    /** Flush-to-zero (bit 15) and denormals-are-zero (bit 6). */
    private static final int FTZ_DAZ = 0x8040;
    /** The exception-mask bits, all set in a default MXCSR: a check that we found the register. */
    private static final int DEFAULT_MASKS = 0x1F80;

    private interface LibM extends Library {
        int fegetenv(Memory env);

        int fesetenv(Memory env);
    }

    private static final LibM LIBM = Platform.isLinux() && Platform.isIntel() && Platform.is64Bit()
            ? Native.load("m", LibM.class) : null;
    private static final ThreadLocal<Memory> ENV = ThreadLocal.withInitial(() -> new Memory(FENV_SIZE));

    private Denormals() {
    }

    /**
     * Sets flush-to-zero and denormals-are-zero on the calling thread; returns whether it is now set. Checks the
     * register every time (a microsecond): the JVM resets it whenever native code calls back into Java, e.g. for a
     * reflective call, and restores the caller's value afterwards.
     */
    static boolean flushOnThisThread() {
        if (LIBM == null) {
            return false;
        }
        Memory env = ENV.get();
        if (LIBM.fegetenv(env) != 0) {
            return false;
        }
        int mxcsr = env.getInt(MXCSR_OFFSET);
        if ((mxcsr & DEFAULT_MASKS) != DEFAULT_MASKS) {
            return false; // not the layout we expect: leave the FPU alone
        }
        if ((mxcsr & FTZ_DAZ) == FTZ_DAZ) {
            return true;
        }
        env.setInt(MXCSR_OFFSET, mxcsr | FTZ_DAZ);
        return LIBM.fesetenv(env) == 0;
    }
}
