package io.histoscale.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Process settings for training on a CPU, applied through the C library before PyTorch loads.
 *
 * <p>Memory: by default glibc serves large allocations (above a threshold that adapts up to 32 MiB, e.g. a batch's
 * 64x64x48x48 activations) with fresh {@code mmap}s and unmaps them on free, so every step faults in hundreds of
 * megabytes of new pages; on a 2-core machine that cost ResNet-18 (batch 64, 96 px) 5-10% of a training step.
 * Without {@code mmap} and without trimming, freed blocks stay in the heap for reuse. Peak memory is reached every
 * step anyway, so resident memory stays at that peak.
 *
 * <p>Waiting: PyTorch's OpenMP threads busy-wait between operators by default. When other processes share the cores
 * (a login node, a shared workstation, a test run next to compilers), a spinning thread holds a core the thread it
 * waits for needs: a ResNet-18 step on 2 shared cores took 2.4-5.6 s spinning and 1.4-1.5 s sleeping
 * ({@code OMP_WAIT_POLICY=PASSIVE}). An {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} already in the environment
 * is kept.
 */
final class Glibc {

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_MAX = -4;

    private interface C extends Library {
        int mallopt(int param, int value);

        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }

    private static final C LIBC = Platform.isLinux() ? Native.load("c", C.class) : null;

    private Glibc() {
    }

    /** Keeps freed memory in the process; returns whether the settings took effect (glibc only). */
    static boolean keepFreedMemory() {
        if (LIBC == null) {
            return false;
        }
        try {
            return LIBC.mallopt(M_MMAP_MAX, 0) == 1 && LIBC.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
        } catch (UnsatisfiedLinkError e) {
            return false; // a C library without mallopt (not glibc): leave its defaults
        }
    }

    /** Lets OpenMP threads sleep while they wait, unless the environment says otherwise; before PyTorch loads. */
    static void passiveOpenMpWaits() {
        if (LIBC != null && LIBC.getenv("OMP_WAIT_POLICY") == null && LIBC.getenv("GOMP_SPINCOUNT") == null) {
            LIBC.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
    }
}
