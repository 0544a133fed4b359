package io.histoscale.federation;

import ai.djl.Device;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.federation.audit.AuditLog;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Failure;
import io.histoscale.federation.proto.HandoffReceipt;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.ParameterChunk;
import io.histoscale.federation.proto.PeerGrpc;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Outbox;
import io.histoscale.federation.transport.Tls;
import io.histoscale.train.metrics.Metrics;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hospital's process: holds its own patches, connects to the coordinator over mutual TLS, trains when told to and
 * sends back only parameter buffers and aggregate numbers, each outgoing message first recorded in its
 * {@link AuditLog}. With a peer port, it also accepts weights handed over directly by other sites (peer-to-peer
 * cyclical transfer).
 *
 * <pre>{@code
 * try (Site site = Site.builder().setName("hospital-a").setPki(pki).setCoordinator("127.0.0.1:7443")
 *         .setData(store, trainIndices, validationIndices).setAuditLog(dir.resolve("audit.jsonl")).build()) {
 *     site.run();
 * }
 * }</pre>
 */
public final class Site implements AutoCloseable {

    private static final int MAX_MESSAGE = 300;

    private final String name;
    private final Pki.Member me;
    private final String coordinatorHost;
    private final int coordinatorPort;
    private final PatchSource source;
    private final long[] train;
    private final long[] validation;
    private final Device device;
    private final int workers;
    private final double reconnectSeconds;
    private final PrintStream log;
    private final AuditLog audit;
    private final Server peerServer;
    private final String peerAddress;
    private final ConcurrentHashMap<String, CompletableFuture<ModelWeights>> handoffs = new ConcurrentHashMap<>();
    private LocalTraining training;

    private Site(Builder b) {
        this.name = b.name;
        this.me = b.pki.member(b.name);
        String[] hostPort = splitAddress(b.coordinator, "--coordinator");
        this.coordinatorHost = hostPort[0];
        this.coordinatorPort = Integer.parseInt(hostPort[1]);
        this.source = b.source;
        this.train = b.train;
        this.validation = b.validation;
        this.device = b.device;
        this.workers = b.workers;
        this.reconnectSeconds = b.reconnectSeconds;
        this.log = b.log;
        this.audit = AuditLog.open(b.auditLog, name);
        if (b.peerPort >= 0) {
            try {
                peerServer = NettyServerBuilder.forAddress(new InetSocketAddress(b.peerHost, b.peerPort), Tls.server(me))
                        .addService(ServerInterceptors.intercept(new PeerService(), Tls.identify()))
                        .maxInboundMessageSize(2 * Chunks.CHUNK_BYTES)
                        .build().start();
            } catch (IOException e) {
                throw new UserException("--peer-port " + b.peerPort + ": cannot listen (" + e.getMessage() + ")");
            }
            peerAddress = b.peerHost + ":" + peerServer.getPort();
        } else {
            peerServer = null;
            peerAddress = "";
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /** host:port where peers hand weights to this site, or empty. */
    public String peerAddress() {
        return peerAddress;
    }

    /**
     * Serves the coordinator until it says stop. When the connection is lost (the coordinator restarts), reconnects
     * for up to the reconnect time and says hello again.
     *
     * @return tasks completed
     * @throws UserException when the coordinator cannot be reached within the reconnect time
     */
    public int run() {
        int tasks = 0;
        long lostAt = System.nanoTime();
        while (true) {
            Session session = new Session();
            try {
                boolean stopped = session.serve(lostAt);
                tasks += session.tasks;
                if (stopped) {
                    return tasks;
                }
            } finally {
                session.close();
            }
            lostAt = System.nanoTime();
            say("lost the coordinator; reconnecting for up to %.0f s", reconnectSeconds);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return tasks;
            }
        }
    }

    /** One connection to the coordinator. */
    private final class Session implements AutoCloseable {
        private final AtomicReference<String> coordinatorName = new AtomicReference<>();
        private final ManagedChannel channel = Grpc.newChannelBuilderForAddress(coordinatorHost, coordinatorPort,
                Tls.client(me, coordinatorName)).maxInboundMessageSize(2 * Chunks.CHUNK_BYTES).build();
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        private Outbox<SiteMessage> outbox;
        private String model;
        int tasks;

        /** Returns true when told to stop, false when the connection broke. */
        boolean serve(long since) {
            waitReady(channel, since, reconnectSeconds, coordinatorHost + ":" + coordinatorPort);
            CoordinatorGrpc.newStub(channel).session(new ClientResponseObserver<SiteMessage, CoordinatorMessage>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<SiteMessage> requests) {
                    outbox = new Outbox<>(requests, SiteMessage::getSerializedSize);
                }

                @Override
                public void onNext(CoordinatorMessage message) {
                    inbox.add(message);
                }

                @Override
                public void onError(Throwable t) {
                    outbox.closed();
                    inbox.add(t);
                }

                @Override
                public void onCompleted() {
                    outbox.closed();
                    inbox.add(Boolean.TRUE);
                }
            });
            try {
                send(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(train.length)
                        .setValidationSamples(validation.length).addAllLabels(source.labelNames())
                        .setPeerAddress(peerAddress)).build());
                say("joined %s as %s (%d training, %d validation patches)", coordinatorName.get(), name,
                        train.length, validation.length);
                while (true) {
                    Object next = inbox.take();
                    if (!(next instanceof CoordinatorMessage message)) {
                        if (next instanceof Throwable t) {
                            say("connection lost: %s", t.getMessage());
                        }
                        return false;
                    }
                    if (!message.hasTask()) {
                        say("ignored an unexpected %s", message.getBodyCase());
                        continue;
                    }
                    Task task = message.getTask();
                    if (task.getKind() == Task.Kind.STOP) {
                        say("told to stop after %d task(s)", tasks);
                        outbox.complete();
                        return true;
                    }
                    if (!perform(task)) {
                        return false;
                    }
                    tasks++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            } catch (IllegalStateException e) {
                say("connection lost while sending: %s", e.getMessage());
                return false;
            }
        }

        /** Receives the weights, trains, sends weights and result; false when the connection broke. */
        private boolean perform(Task task) throws InterruptedException {
            ModelWeights start;
            if (task.getFromPeer()) {
                start = awaitHandoff(task.getTransfer());
                if (start == null) {
                    sendFailure(task, "the weights from the previous site (" + task.getTransfer() + ") never came");
                    return true;
                }
            } else {
                Chunks.Receiver receiver = new Chunks.Receiver(task.getTransfer());
                while (!receiver.complete()) {
                    Object next = inbox.take();
                    if (!(next instanceof CoordinatorMessage m) || !m.hasChunk()) {
                        inbox.add(next);
                        return next instanceof CoordinatorMessage;
                    }
                    try {
                        receiver.accept(m.getChunk());
                    } catch (Chunks.TransferException e) {
                        sendFailure(task, e.getMessage());
                        return false;
                    }
                }
                start = receiver.weights();
            }
            LocalTraining.Outcome outcome;
            try {
                outcome = trainer(task).run(start, new LocalTraining.Task(task.getEpochs(), task.getPatience(),
                        task.getLearningRate(), task.getOptimizer(), task.getMu(), task.getBatchSize(), task.getSeed(),
                        schedule(task)));
            } catch (RuntimeException e) {
                sendFailure(task, e.toString());
                return true;
            }
            String transfer = "r" + task.getRound() + "-" + name;
            long peerBytes = 0;
            boolean handed = false;
            if (!task.getNextPeerAddress().isEmpty()) {
                try {
                    peerBytes = handOff(task, transfer, outcome.weights());
                    handed = true;
                } catch (RuntimeException e) {
                    say("round %d: could not hand the weights to %s (%s); returning them to the coordinator",
                            task.getRound(), task.getNextPeerName(), e.getMessage());
                }
            }
            if (!handed) {
                Chunks.send(transfer, outcome.weights(), chunk -> send(SiteMessage.newBuilder().setChunk(chunk).build()));
            }
            Metrics v = outcome.validation();
            io.histoscale.federation.proto.Metrics.Builder val = io.histoscale.federation.proto.Metrics.newBuilder();
            if (v != null && v.count() > 0) {
                val.setCount(v.count()).setLoss(v.loss()).setAccuracy(v.accuracy());
                if (v.auc() != null) {
                    val.setAuc(v.auc()).setHasAuc(true);
                }
            }
            send(SiteMessage.newBuilder().setResult(Result.newBuilder().setRound(task.getRound()).setTransfer(transfer)
                    .setSamples(train.length).setSteps(outcome.steps()).setEpochs(outcome.epochs())
                    .setTrainSeconds(outcome.trainSeconds()).setTrainLoss(outcome.trainLoss()).setValidation(val)
                    .setHandedToPeer(handed).setPeerBytes(peerBytes)).build());
            say("round %d: %.2f epochs (%d steps, %.1f s), loss %.4f%s%s", task.getRound(), outcome.epochs(),
                    outcome.steps(), outcome.trainSeconds(), outcome.trainLoss(),
                    v != null && v.auc() != null ? String.format(Locale.ROOT, ", validation AUC %.3f", v.auc()) : "",
                    handed ? ", handed to " + task.getNextPeerName() : "");
            return true;
        }

        /** The task's learning-rate schedule; constant when it names none (a coordinator from before schedules). */
        private static LocalTraining.Schedule schedule(Task task) {
            return task.getLrSchedule().isEmpty() ? LocalTraining.Schedule.CONSTANT
                    : new LocalTraining.Schedule(task.getLrSchedule(), task.getProgressFrom(), task.getProgressTo());
        }

        private LocalTraining trainer(Task task) {
            Plan.ModelPlan plan = new Plan.ModelPlan();
            plan.architecture = task.getArchitecture();
            plan.classes = task.getClasses();
            plan.inputSize = task.getInputSize();
            plan.downsample = Math.max(1, task.getDownsample());
            if (plan.classes != source.labelNames().size()) {
                throw new UserException("the plan's model has " + plan.classes + " classes; this site's patches have "
                        + source.labelNames().size() + " " + source.labelNames());
            }
            if (training == null || !training.modelPlan().id().equals(plan.id())
                    || training.modelPlan().downsample != plan.downsample) {
                if (training != null) {
                    training.close();
                }
                training = new LocalTraining(source, train, validation, plan, device, workers);
            }
            model = plan.id();
            return training;
        }

        private void sendFailure(Task task, String message) {
            String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
            say("round %d failed: %s", task.getRound(), text);
            send(SiteMessage.newBuilder().setFailure(Failure.newBuilder().setRound(task.getRound()).setMessage(text))
                    .build());
        }

        private void send(SiteMessage message) {
            audit.sent(message, coordinatorName.get(), model);
            outbox.send(message);
        }

        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ModelWeights awaitHandoff(String transfer) throws InterruptedException {
        CompletableFuture<ModelWeights> future = handoffs.computeIfAbsent(transfer, t -> new CompletableFuture<>());
        try {
            return future.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } finally {
            handoffs.remove(transfer);
        }
    }

    /** Streams weights to the next site after checking its certificate names it; returns the bytes sent. */
    private long handOff(Task task, String transfer, ModelWeights weights) {
        String[] hostPort = splitAddress(task.getNextPeerAddress(), "peer address");
        AtomicReference<String> peerName = new AtomicReference<>();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(hostPort[0], Integer.parseInt(hostPort[1]),
                Tls.client(me, peerName)).build();
        try {
            waitReady(channel, System.nanoTime(), 30, task.getNextPeerAddress());
            if (!task.getNextPeerName().equals(peerName.get())) {
                throw new IllegalStateException("the peer at " + task.getNextPeerAddress() + " is " + peerName.get()
                        + ", not " + task.getNextPeerName());
            }
            CompletableFuture<HandoffReceipt> receipt = new CompletableFuture<>();
            AtomicReference<Outbox<ParameterChunk>> out = new AtomicReference<>();
            PeerGrpc.newStub(channel).handoff(new ClientResponseObserver<ParameterChunk, HandoffReceipt>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ParameterChunk> requests) {
                    out.set(new Outbox<>(requests, ParameterChunk::getSerializedSize));
                }

                @Override
                public void onNext(HandoffReceipt value) {
                    receipt.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    out.get().closed();
                    receipt.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    out.get().closed();
                    receipt.completeExceptionally(new IllegalStateException("no receipt"));
                }
            });
            String model = training.modelPlan().id();
            Chunks.send(transfer, weights, chunk -> {
                audit.handedOff(chunk, peerName.get(), model);
                out.get().send(chunk);
            });
            out.get().complete();
            receipt.get(5, TimeUnit.MINUTES);
            return out.get().bytes();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        } finally {
            channel.shutdownNow();
        }
    }

    /** Receives weights handed over by the previous site of a peer-to-peer cycle. */
    private final class PeerService extends PeerGrpc.PeerImplBase {
        @Override
        public StreamObserver<ParameterChunk> handoff(StreamObserver<HandoffReceipt> response) {
            String sender = Tls.PEER.get();
            return new StreamObserver<>() {
                Chunks.Receiver receiver;

                @Override
                public void onNext(ParameterChunk chunk) {
                    if (receiver == null) {
                        receiver = new Chunks.Receiver(chunk.getTransfer());
                    }
                    receiver.accept(chunk);
                }

                @Override
                public void onError(Throwable t) {
                    say("a handoff from %s failed: %s", sender, t.getMessage());
                }

                @Override
                public void onCompleted() {
                    if (receiver == null || !receiver.complete()) {
                        response.onError(io.grpc.Status.DATA_LOSS.withDescription("incomplete transfer")
                                .asRuntimeException());
                        return;
                    }
                    handoffs.computeIfAbsent(receiver.transfer(), t -> new CompletableFuture<>())
                            .complete(receiver.weights());
                    response.onNext(HandoffReceipt.newBuilder().setTransfer(receiver.transfer())
                            .setBytes(receiver.bytes()).build());
                    response.onCompleted();
                    say("received %s from %s (%d bytes)", receiver.transfer(), sender, receiver.bytes());
                }
            };
        }
    }

    /** Waits until a channel is connected (TLS handshake done), retrying promptly. */
    static void waitReady(ManagedChannel channel, long since, double seconds, String address) {
        while (true) {
            ConnectivityState state = channel.getState(true);
            if (state == ConnectivityState.READY) {
                return;
            }
            if ((System.nanoTime() - since) / 1e9 > seconds) {
                throw new UserException("cannot reach " + address + " over mutual TLS within " + (int) seconds
                        + " s: check the address, that it runs, and that both certificates come from the same --pki");
            }
            if (state == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }

    static String[] splitAddress(String address, String what) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0 || !address.substring(colon + 1).matches("\\d{1,5}")) {
            throw new UserException(what + " " + address + ": give HOST:PORT, e.g. 127.0.0.1:7443");
        }
        return new String[]{address.substring(0, colon), address.substring(colon + 1)};
    }

    private void say(String format, Object... args) {
        log.println(name + ": " + String.format(Locale.ROOT, format, args));
        log.flush();
    }

    @Override
    public void close() {
        if (training != null) {
            training.close();
        }
        if (peerServer != null) {
            peerServer.shutdownNow();
        }
        audit.close();
    }

    /** Builds a {@link Site}; name, PKI, coordinator, data and audit log are required. */
    public static final class Builder {
        private String name;
        private Pki pki;
        private String coordinator;
        private PatchSource source;
        private long[] train;
        private long[] validation = new long[0];
        private Device device = Device.cpu();
        private int workers = 1;
        private double reconnectSeconds = 120;
        private String peerHost = "127.0.0.1";
        private int peerPort = -1;
        private Path auditLog;
        private PrintStream log = System.out;

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setPki(Pki pki) {
            this.pki = pki;
            return this;
        }

        public Builder setCoordinator(String hostPort) {
            this.coordinator = hostPort;
            return this;
        }

        /** The site's patches: which it trains on and which it validates on (never sent anywhere). */
        public Builder setData(PatchSource source, long[] train, long[] validation) {
            this.source = source;
            this.train = train;
            this.validation = validation;
            return this;
        }

        public Builder setAuditLog(Path file) {
            this.auditLog = file;
            return this;
        }

        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /** How long to keep trying to reach the coordinator, at the start and after losing it (default 120 s). */
        public Builder optReconnectSeconds(double seconds) {
            this.reconnectSeconds = seconds;
            return this;
        }

        /** Accept peer-to-peer handoffs on host:port (port 0: any free one). */
        public Builder optPeer(String host, int port) {
            this.peerHost = host;
            this.peerPort = port;
            return this;
        }

        public Builder optLog(PrintStream log) {
            this.log = log;
            return this;
        }

        public Site build() {
            if (name == null || pki == null || coordinator == null || source == null || train == null
                    || auditLog == null) {
                throw new IllegalStateException("a site needs a name, PKI, coordinator, data and audit log");
            }
            if (train.length == 0) {
                throw new UserException("site " + name + " has no labelled training patches in its --data");
            }
            return new Site(this);
        }
    }
}
