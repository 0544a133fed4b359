package io.histoscale.federation.coordinator;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Outbox;
import io.histoscale.model.ModelWeights;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One site's session with the coordinator: receives its hello, chunks, results and failures; sends it tasks and
 * weights; and turns the exchange of one task into a {@link SiteReply} or an exception saying why there is none.
 */
final class SiteLink {

    /** The site's connection died (or was replaced by a new one) before it answered. */
    static final class SiteLost extends Exception {
        SiteLost(String message) {
            super(message);
        }
    }

    /** The site reported that it could not do its task. */
    static final class SiteFailed extends Exception {
        SiteFailed(String message) {
            super(message);
        }
    }

    private final String name;
    private final int classes;
    private final SiteRegistry registry;
    private final Traffic traffic;
    private final Consumer<String> log;
    private final Outbox<CoordinatorMessage> out;
    private CompletableFuture<SiteReply> pending;
    private int pendingRound;
    private Chunks.Receiver receiver;
    private volatile boolean alive = true;

    /** What the site sends. */
    final StreamObserver<SiteMessage> inbound = new StreamObserver<>() {
        @Override
        public void onNext(SiteMessage message) {
            traffic.fromSites.addAndGet(message.getSerializedSize());
            received(message);
        }

        @Override
        public void onError(Throwable t) {
            lost(t.getMessage() == null ? t.toString() : t.getMessage());
        }

        @Override
        public void onCompleted() {
            lost("the site closed its session");
        }
    };

    /** @param classes classes the plan's model has: a site whose patches have others is refused */
    SiteLink(String name, int classes, ServerCallStreamObserver<CoordinatorMessage> responses, SiteRegistry registry,
             Traffic traffic, Consumer<String> log) {
        this.name = name;
        this.classes = classes;
        this.registry = registry;
        this.traffic = traffic;
        this.log = log;
        this.out = new Outbox<>(responses, m -> {
            long n = m.getSerializedSize();
            traffic.toSites.addAndGet(n);
            return n;
        });
    }

    String name() {
        return name;
    }

    private synchronized void received(SiteMessage message) {
        switch (message.getBodyCase()) {
            case HELLO -> joined(message.getHello());
            case CHUNK -> {
                try {
                    if (receiver == null || !receiver.transfer().equals(message.getChunk().getTransfer())) {
                        receiver = new Chunks.Receiver(message.getChunk().getTransfer());
                    }
                    receiver.accept(message.getChunk());
                } catch (Chunks.TransferException e) {
                    fail(new SiteFailed(e.getMessage()));
                }
            }
            case RESULT -> {
                Result r = message.getResult();
                if (pending != null && r.getRound() == pendingRound) {
                    traffic.betweenSites.addAndGet(r.getPeerBytes());
                    if (r.getHandedToPeer()) {
                        pending.complete(new SiteReply(r, null));
                    } else if (receiver == null || !receiver.complete() || !receiver.transfer().equals(r.getTransfer())) {
                        fail(new SiteFailed("result of round " + r.getRound() + " without complete weights"));
                    } else {
                        pending.complete(new SiteReply(r, receiver.weights()));
                    }
                }
                receiver = null;
            }
            case FAILURE -> fail(new SiteFailed(message.getFailure().getMessage()));
            default -> { }
        }
    }

    private void joined(Hello hello) {
        if (hello.getLabelsCount() != classes) {
            String why = "its patches have classes " + hello.getLabelsList() + ", the plan's model " + classes;
            log.accept("refused " + name + ": " + why);
            out.fail(Status.FAILED_PRECONDITION.withDescription(why));
            return;
        }
        registry.joined(this, new SiteInfo(name, hello.getTrainSamples(), hello.getValidationSamples(),
                hello.getPeerAddress()), hello);
        log.accept(String.format("%s joined (%d training, %d validation patches)", name, hello.getTrainSamples(),
                hello.getValidationSamples()));
    }

    private synchronized void fail(Exception e) {
        if (pending != null) {
            pending.completeExceptionally(e);
        }
    }

    /** The session ended: a task in flight fails with {@link SiteLost}. */
    void lost(String why) {
        alive = false;
        out.closed();
        registry.left(name, this);
        synchronized (this) {
            if (pending != null) {
                pending.completeExceptionally(new SiteLost(why));
            }
        }
    }

    /** Tells the site to stop and ends the session. */
    void stop() {
        try {
            out.send(CoordinatorMessage.newBuilder().setTask(Task.newBuilder().setKind(Task.Kind.STOP)).build());
            out.complete();
        } catch (IllegalStateException e) {
            // already gone
        }
    }

    /**
     * Sends the task (and, unless a peer hands them over, the weights to start from) and waits for the answer.
     *
     * @throws SiteLost    the session ended, or no answer came within {@code timeoutSeconds} (the site is then cut
     *                     off, so that a late answer cannot mix into a later round)
     * @throws SiteFailed  the site said it could not do the task, or its weights arrived damaged
     */
    SiteReply perform(Task task, ModelWeights weights, double timeoutSeconds) throws SiteLost, SiteFailed {
        CompletableFuture<SiteReply> answer = new CompletableFuture<>();
        synchronized (this) {
            if (!alive) {
                throw new SiteLost("disconnected");
            }
            pending = answer;
            pendingRound = task.getRound();
        }
        try {
            out.send(CoordinatorMessage.newBuilder().setTask(task).build());
            if (!task.getFromPeer()) {
                Chunks.send(task.getTransfer(), weights,
                        c -> out.send(CoordinatorMessage.newBuilder().setChunk(c).build()));
            }
            return answer.get((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException e) {
            throw new SiteLost("connection closed while sending");
        } catch (TimeoutException e) {
            out.closed();
            lost("no answer within " + (int) timeoutSeconds + " s");
            throw new SiteLost("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SiteLost("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SiteLost l) {
                throw l;
            }
            if (e.getCause() instanceof SiteFailed f) {
                throw f;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            synchronized (this) {
                pending = null;
            }
        }
    }
}
