package io.histoscale.federation.transport;

import com.google.protobuf.ByteString;
import io.histoscale.core.Hashing;
import io.histoscale.federation.proto.Buffer;
import io.histoscale.federation.proto.ParameterChunk;
import io.histoscale.model.ModelWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Model states as streams of {@link ParameterChunk}s: at most {@link #CHUNK_BYTES} of little-endian floats each, so
 * no message comes near gRPC's size limits whatever the model, and a SHA-256 per buffer on its last chunk, checked
 * by the receiver.
 */
public final class Chunks {

    /** Payload bytes per chunk: 1 MiB. */
    public static final int CHUNK_BYTES = 1 << 20;
    private static final int CHUNK_FLOATS = CHUNK_BYTES / Float.BYTES;

    private Chunks() {
    }

    /** Sends a state as chunks: the parameters, then the statistics. */
    public static void send(String transfer, ModelWeights weights, Consumer<ParameterChunk> sink) {
        send(transfer, Buffer.PARAMETERS, weights.parameters(), sink);
        send(transfer, Buffer.STATISTICS, weights.statistics(), sink);
    }

    private static void send(String transfer, Buffer kind, FloatBuffer values, Consumer<ParameterChunk> sink) {
        MessageDigest sha = Hashing.sha256();
        int total = values.capacity();
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int offset = 0;
        do {
            int n = Math.min(CHUNK_FLOATS, total - offset);
            bytes.clear();
            bytes.asFloatBuffer().put(values.slice(offset, n));
            bytes.limit(n * Float.BYTES);
            sha.update(bytes.duplicate());
            ParameterChunk.Builder chunk = ParameterChunk.newBuilder().setTransfer(transfer).setBuffer(kind)
                    .setOffset(offset).setTotal(total).setData(ByteString.copyFrom(bytes));
            offset += n;
            if (offset == total) {
                chunk.setSha256(ByteString.copyFrom(sha.digest()));
            }
            sink.accept(chunk.build());
        } while (offset < total);
    }

    /** Raised when chunks arrive out of order, do not fit, or fail their checksum. */
    public static final class TransferException extends RuntimeException {
        public TransferException(String message) {
            super(message);
        }
    }

    /** Reassembles one transfer's buffers, checking order, sizes and checksums. */
    public static final class Receiver {
        private final String transfer;
        private final Map<Buffer, FloatBuffer> buffers = new EnumMap<>(Buffer.class);
        private final Map<Buffer, MessageDigest> digests = new EnumMap<>(Buffer.class);
        private final Map<Buffer, Boolean> done = new EnumMap<>(Buffer.class);
        private long bytes;

        public Receiver(String transfer) {
            this.transfer = transfer;
        }

        public String transfer() {
            return transfer;
        }

        /**
         * Takes the next chunk.
         *
         * @throws TransferException when it is not the next one, does not fit, or completes a buffer whose
         *                           SHA-256 differs from the sender's
         */
        public void accept(ParameterChunk chunk) {
            if (!chunk.getTransfer().equals(transfer)) {
                throw new TransferException("chunk of transfer " + chunk.getTransfer() + " during " + transfer);
            }
            Buffer kind = chunk.getBuffer();
            if (done.getOrDefault(kind, false)) {
                throw new TransferException(kind + " of " + transfer + " sent twice");
            }
            long total = chunk.getTotal();
            if (total < 0 || total > Integer.MAX_VALUE / Float.BYTES) {
                throw new TransferException("buffer of " + total + " floats");
            }
            FloatBuffer buffer = buffers.computeIfAbsent(kind, k -> ModelWeights.floats((int) total));
            MessageDigest sha = digests.computeIfAbsent(kind, k -> Hashing.sha256());
            ByteBuffer data = chunk.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (buffer.capacity() != total || chunk.getOffset() != buffer.position()
                    || data.remaining() % Float.BYTES != 0 || data.remaining() / Float.BYTES > buffer.remaining()) {
                throw new TransferException("chunk at " + chunk.getOffset() + " of " + kind + " in " + transfer
                        + " does not follow the " + buffer.position() + " floats received of " + buffer.capacity());
            }
            sha.update(data.duplicate());
            buffer.put(data.asFloatBuffer());
            bytes += data.remaining();
            if (!buffer.hasRemaining()) {
                byte[] digest = sha.digest();
                if (!MessageDigest.isEqual(digest, chunk.getSha256().toByteArray())) {
                    throw new TransferException(kind + " of " + transfer + " failed its SHA-256 check");
                }
                done.put(kind, true);
                buffer.flip();
            }
        }

        /** Whether both buffers have arrived whole. */
        public boolean complete() {
            return done.getOrDefault(Buffer.PARAMETERS, false) && done.getOrDefault(Buffer.STATISTICS, false);
        }

        /** Payload bytes received. */
        public long bytes() {
            return bytes;
        }

        public ModelWeights weights() {
            if (!complete()) {
                throw new TransferException("transfer " + transfer + " is incomplete");
            }
            return new ModelWeights(buffers.get(Buffer.PARAMETERS), buffers.get(Buffer.STATISTICS));
        }
    }
}
