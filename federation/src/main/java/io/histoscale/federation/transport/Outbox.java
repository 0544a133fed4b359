package io.histoscale.federation.transport;

import io.grpc.stub.CallStreamObserver;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The sending end of a gRPC stream, used from one application thread: {@link #send} waits while the transport's
 * buffer is full (gRPC flow control), so streaming a large model does not pile it up in memory. Counts bytes sent.
 */
public final class Outbox<T> {

    private final CallStreamObserver<T> stream;
    private final ToLongFunction<T> size;
    private final Object ready = new Object();
    private volatile boolean closed;
    private long bytes;
    private long messages;

    /** Call before the stream starts (in the service method, or a client's {@code beforeStart}). */
    public Outbox(CallStreamObserver<T> stream, ToLongFunction<T> size) {
        this.stream = stream;
        this.size = size;
        stream.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
    }

    /**
     * Sends a message once the transport can take it.
     *
     * @throws IllegalStateException when the stream has been closed meanwhile
     */
    public synchronized void send(T message) {
        synchronized (ready) {
            while (!stream.isReady()) {
                if (closed) {
                    throw new IllegalStateException("stream closed");
                }
                try {
                    ready.wait(TimeUnit.MILLISECONDS.toMillis(200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while sending", e);
                }
            }
        }
        if (closed) {
            throw new IllegalStateException("stream closed");
        }
        stream.onNext(message);
        bytes += size.applyAsLong(message);
        messages++;
    }

    /** Marks the stream as gone (the peer hung up or failed), releasing a waiting sender. */
    public void closed() {
        closed = true;
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public synchronized void complete() {
        if (!closed) {
            closed = true;
            stream.onCompleted();
        }
    }

    /** Ends the stream with an error the peer sees (e.g. a refusal). */
    public synchronized void fail(io.grpc.Status status) {
        if (!closed) {
            closed = true;
            stream.onError(status.asRuntimeException());
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long messages() {
        return messages;
    }
}
