package io.histoscale.parallel;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.histoscale.core.UserException;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Open MPI's {@code MPI_COMM_WORLD} through JNA: Debian's {@code libmpi.so.40} (Open MPI 4), loaded with
 * {@code RTLD_GLOBAL} so that the components Open MPI loads later find its symbols. Open MPI's handles
 * ({@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_SUM}, …) are the addresses of global objects
 * ({@code ompi_mpi_comm_world}, …); {@code MPI_IN_PLACE} is address 1. Buffers are passed by address: no copies.
 *
 * <p>MPI may be initialised once per process: {@link #open} returns the same communicator until it is closed, after
 * which MPI cannot be used again.
 */
public final class MpiCommunicator implements Communicator {

    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final int MPI_THREAD_SERIALIZED = 2;
    private static final Pointer IN_PLACE = new Pointer(1);

    private static MpiCommunicator open;

    private final Pointer world;
    private final Pointer floatType;
    private final Pointer doubleType;
    private final Pointer sum;
    private final int rank;
    private final int size;
    private final int bucketFloats;
    private boolean closed;

    /** The C functions, bound directly (JNA direct mapping: no per-call reflection). */
    private static final class C {
        static final NativeLibrary LIBRARY;

        static {
            NativeLibrary library;
            try {
                library = NativeLibrary.getInstance("libmpi.so.40",
                        Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
            } catch (UnsatisfiedLinkError e) {
                throw new UserException("Open MPI's libmpi.so.40 cannot be loaded (" + e.getMessage().lines()
                        .findFirst().orElse("") + "): install it with sudo apt-get install -y openmpi-bin "
                        + "libopenmpi-dev");
            }
            LIBRARY = library;
            Native.register(C.class, library);
        }

        static native int MPI_Initialized(int[] flag);

        static native int MPI_Init_thread(Pointer argc, Pointer argv, int required, int[] provided);

        static native int MPI_Comm_rank(Pointer comm, int[] rank);

        static native int MPI_Comm_size(Pointer comm, int[] size);

        static native int MPI_Allreduce(Pointer send, Pointer receive, int count, Pointer type, Pointer op,
                                        Pointer comm);

        static native int MPI_Bcast(Pointer buffer, int count, Pointer type, int root, Pointer comm);

        static native int MPI_Allgather(double[] send, int sendCount, Pointer sendType, double[] receive,
                                        int receiveCount, Pointer receiveType, Pointer comm);

        static native int MPI_Barrier(Pointer comm);

        static native int MPI_Finalize();

        static native int MPI_Abort(Pointer comm, int status);
    }

    private MpiCommunicator(long bucketBytes) {
        world = C.LIBRARY.getGlobalVariableAddress("ompi_mpi_comm_world");
        floatType = C.LIBRARY.getGlobalVariableAddress("ompi_mpi_float");
        doubleType = C.LIBRARY.getGlobalVariableAddress("ompi_mpi_double");
        sum = C.LIBRARY.getGlobalVariableAddress("ompi_mpi_op_sum");
        int[] value = new int[1];
        check(C.MPI_Initialized(value), "MPI_Initialized");
        if (value[0] == 0) {
            check(C.MPI_Init_thread(null, null, MPI_THREAD_SERIALIZED, value), "MPI_Init_thread");
        }
        check(C.MPI_Comm_rank(world, value), "MPI_Comm_rank");
        rank = value[0];
        check(C.MPI_Comm_size(world, value), "MPI_Comm_size");
        size = value[0];
        bucketFloats = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bucketBytes / Float.BYTES));
    }

    /**
     * Initialises MPI (once per process) and returns its world.
     *
     * @param bucketBytes bytes per allreduce call; longer buffers are reduced bucket by bucket
     * @throws UserException when Open MPI is not installed
     */
    public static synchronized MpiCommunicator open(long bucketBytes) {
        if (open == null) {
            open = new MpiCommunicator(bucketBytes);
        }
        return open;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allreduceSum(FloatBuffer values) {
        Pointer base = address(values);
        for (int from = 0, n = values.remaining(); from < n; from += bucketFloats) {
            int count = Math.min(bucketFloats, n - from);
            check(C.MPI_Allreduce(IN_PLACE, base.share((long) from * Float.BYTES), count, floatType, sum, world),
                    "MPI_Allreduce");
        }
    }

    @Override
    public void broadcast(FloatBuffer values, int root) {
        Pointer base = address(values);
        for (int from = 0, n = values.remaining(); from < n; from += bucketFloats) {
            int count = Math.min(bucketFloats, n - from);
            check(C.MPI_Bcast(base.share((long) from * Float.BYTES), count, floatType, root, world), "MPI_Bcast");
        }
    }

    @Override
    public double[] allgather(double[] values) {
        double[] all = new double[values.length * size];
        check(C.MPI_Allgather(values, values.length, doubleType, all, values.length, doubleType, world),
                "MPI_Allgather");
        return all;
    }

    @Override
    public void barrier() {
        check(C.MPI_Barrier(world), "MPI_Barrier");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            check(C.MPI_Finalize(), "MPI_Finalize");
        }
    }

    @Override
    public void abort(int status) {
        C.MPI_Abort(world, status);
    }

    /** The address of the buffer's element at its position. */
    private static Pointer address(FloatBuffer values) {
        if (!values.isDirect()) {
            throw new IllegalArgumentException("MPI buffers must be direct (ByteBuffer.allocateDirect)");
        }
        return Native.getDirectBufferPointer(values).share((long) values.position() * Float.BYTES);
    }

    private static void check(int code, String call) {
        if (code != 0) {
            throw new IllegalStateException(call + " failed with MPI error " + code);
        }
    }
}
