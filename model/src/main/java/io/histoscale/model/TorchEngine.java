package io.histoscale.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch engine, started once per process with HistoScale's settings.
 *
 * <p>PyTorch comes from Maven Central (DJL's {@code pytorch-native-cpu} jar), unpacked into DJL's cache directory
 * ({@code DJL_CACHE_DIR}, by default {@code ~/.djl.ai}); nothing is downloaded at run time, because DJL's offline mode
 * is switched on unless the caller set {@code ai.djl.offline} explicitly.
 *
 * <p>Starting also tunes the process for training on the CPU: memory PyTorch frees stays in the process for the next
 * step instead of going back to the system and faulting in again; PyTorch's OpenMP threads sleep rather than spin
 * while they wait (unless {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} is set), which keeps steps fast when
 * other processes share the cores; and the starting thread treats denormal floats as zero
 * ({@link #flushDenormalsOnThisThread()}).
 *
 * <p>Starting keeps libtorch's warnings, which it writes straight to the process's stderr, off the user's terminal
 * and logs (see {@code TorchLogs}; {@code TORCH_CPP_LOG_LEVEL=WARNING} shows them again), and DJL's warnings that it
 * cannot count GPUs on a machine without a CUDA driver.
 */
public final class TorchEngine {

    private static final Logger LOG = LoggerFactory.getLogger(TorchEngine.class);

    private static final String CUDA_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda";

    private static TorchEngine started;

    private final Engine engine;
    private final EngineSettings settings;

    private TorchEngine(Engine engine, EngineSettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /**
     * Starts PyTorch, or re-applies the settings when it already runs (except the inter-op thread count, which PyTorch
     * fixes once it has done parallel work).
     */
    public static synchronized TorchEngine start(EngineSettings settings) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Without a usable CUDA driver DJL warns twice that it cannot count GPUs: that is 0 GPUs, and --device gpu
        // says so itself. slf4j-simple reads a logger's level when the logger is made, as the engine loads.
        if (System.getProperty(CUDA_LOG_LEVEL) == null) {
            System.setProperty(CUDA_LOG_LEVEL, "error");
        }
        // PtEngine reads these once, when it loads the native library.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(settings.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(settings.interOpThreads()));
        if (started == null) {
            Glibc.keepFreedMemory();
            Glibc.passiveOpenMpWaits();
        }
        // before PyTorch's OpenMP workers exist, so that they inherit it
        Denormals.flushOnThisThread();
        Engine engine = Engine.getEngine(PtEngine.ENGINE_NAME);
        TorchLogs.apply(); // libtorch's own warnings go straight to fd 2: keep only its errors
        if (JniUtils.getNumInteropThreads() != settings.interOpThreads()) {
            try {
                JniUtils.setNumInteropThreads(settings.interOpThreads());
            } catch (EngineException e) {
                LOG.warn("PyTorch keeps {} inter-op threads: it was started before TorchEngine",
                        JniUtils.getNumInteropThreads());
            }
        }
        JniUtils.setNumThreads(settings.threads());
        engine.setRandomSeed(settings.seed());
        started = new TorchEngine(engine, settings);
        return started;
    }

    /** The engine started last, or one started with {@link EngineSettings#defaults()}. */
    public static synchronized TorchEngine get() {
        return started != null ? started : start(EngineSettings.defaults());
    }

    /**
     * Makes the calling thread, and the PyTorch worker threads it starts from now on, treat denormal floats as zero
     * (flush-to-zero, denormals-are-zero): once the loss nears zero, tiny gradients and Adam moments otherwise slow
     * training steps down tenfold or more. {@link #start} does it for its thread and every training step for its
     * own; call this on any other thread that runs PyTorch work. Returns whether it took effect (x86-64 Linux).
     */
    public static boolean flushDenormalsOnThisThread() {
        return Denormals.flushOnThisThread();
    }

    /**
     * The device a {@code --device} value names ({@code cpu}, {@code gpu}, {@code gpu:N}).
     *
     * @throws io.histoscale.core.UserException when it is malformed or names a GPU PyTorch cannot see
     */
    public Device device(String spec) {
        return Devices.parse(spec, engine.getGpuCount());
    }

    public Engine engine() {
        return engine;
    }

    public EngineSettings settings() {
        return settings;
    }

    public int gpuCount() {
        return engine.getGpuCount();
    }

    /** For logs and reports: {@code PyTorch 2.7.1, 2 intra-op + 1 inter-op threads, seed 42, 0 GPUs}. */
    public String describe() {
        return engine.getEngineName() + " " + engine.getVersion() + ", " + JniUtils.getNumThreads() + " intra-op + "
                + JniUtils.getNumInteropThreads() + " inter-op threads, seed " + settings.seed() + ", " + gpuCount()
                + " GPUs";
    }
}
