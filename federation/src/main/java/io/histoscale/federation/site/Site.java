package io.histoscale.federation.site;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.federation.audit.AuditLog;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Failure;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.transport.Addresses;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Outbox;
import io.histoscale.federation.transport.Tls;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.DataSources;
import io.histoscale.train.FitRequest;
import io.histoscale.train.FitResult;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.metrics.Metrics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hospital's process: holds its own patches, connects to the coordinator over mutual TLS (refusing, in the
 * handshake and before anything is sent, a server that is not the coordinator it was told: another name, or a
 * certificate of another role), trains when told to
 * ({@link SiteTraining}: the train module's one loop) and sends back only parameter buffers and aggregate numbers,
 * each outgoing message first recorded in its {@link AuditLog}. With a peer port, it also accepts weights handed over
 * directly by other sites ({@link PeerHandoff}, peer-to-peer cyclical transfer).
 *
 * <pre>{@code
 * try (Site site = Site.builder().setName("hospital-a").setPki(pki).setCoordinator("127.0.0.1:7443")
 *         .setData(store, trainIndices, validationIndices).setAuditLog(dir.resolve("audit.jsonl")).build()) {
 *     site.run();
 * }
 * }</pre>
 */
public final class Site implements AutoCloseable {

    /** The coordinator's certificate name unless told otherwise (a plan's default {@code name}). */
    public static final String DEFAULT_COORDINATOR = "coordinator";
    private static final int MAX_MESSAGE = 300;

    private final String name;
    private final Pki.Member me;
    private final Addresses.HostPort coordinator;
    private final String coordinatorName;
    private final SiteTraining training;
    private final double reconnectSeconds;
    private final PrintStream log;
    private final AuditLog audit;
    private final PeerHandoff peers;

    private Site(Builder b) {
        this.name = b.name;
        this.me = b.pki.member(b.name, Pki.Role.SITE);
        this.coordinator = Addresses.split(b.coordinator, "coordinator");
        this.coordinatorName = b.coordinatorName;
        this.training = new SiteTraining(b.source, b.train, b.validation, b.local);
        this.reconnectSeconds = b.reconnectSeconds;
        this.log = b.log;
        this.audit = AuditLog.open(b.auditLog, name);
        this.peers = b.peerPort >= 0 ? new PeerHandoff(me, audit, line -> say("%s", line), b.peerHost, b.peerPort)
                : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /** host:port where peers hand weights to this site, or empty. */
    public String peerAddress() {
        return peers == null ? "" : peers.address();
    }

    /** The µm per pixel of this site's patches, 0 when they record none (as the hello says it). */
    private double patchMpp() {
        double mpp = DataSources.patchMpp(training.source());
        return mpp > 0 ? mpp : 0;
    }

    /**
     * Serves the coordinator until it says stop. When the connection is lost (the coordinator restarts), reconnects
     * for up to the reconnect time and says hello again.
     *
     * @return tasks completed
     * @throws UserException when the coordinator cannot be reached within the reconnect time, when the server at
     *                       its address is not the coordinator, or when the coordinator refuses this site
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
        private final Tls.ServerIdentity identity = new Tls.ServerIdentity(coordinatorName, Pki.Role.COORDINATOR);
        private final ManagedChannel channel = Grpc.newChannelBuilderForAddress(coordinator.host(),
                coordinator.port(), Tls.client(me, identity)).maxInboundMessageSize(2 * Chunks.CHUNK_BYTES)
                .build();
        private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
        private Outbox<SiteMessage> outbox;
        private String model;
        int tasks;

        /** Returns true when told to stop, false when the connection broke. */
        boolean serve(long since) {
            PeerHandoff.waitReady(channel, since, reconnectSeconds, coordinator.toString(), identity,
                    why -> UserException.forKey("coordinator", coordinator + ": refused before sending anything: "
                            + why + " (check the address and coordinator_name)"));
            CoordinatorGrpc.newStub(channel).session(new ClientResponseObserver<SiteMessage, CoordinatorMessage>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<SiteMessage> requests) {
                    outbox = new Outbox<>(requests, SiteMessage::getSerializedSize);
                }

                @Override
                public void onNext(CoordinatorMessage message) {
                    inbox.add(new Inbound.Message(message));
                }

                @Override
                public void onError(Throwable t) {
                    outbox.closed();
                    inbox.add(new Inbound.Broken(t));
                }

                @Override
                public void onCompleted() {
                    outbox.closed();
                    inbox.add(new Inbound.Ended());
                }
            });
            try {
                send(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(training.train().length)
                        .setValidationSamples(training.validation().length)
                        .addAllLabels(training.source().labelNames()).setPeerAddress(peerAddress())
                        .setPatchWidth(training.source().width()).setPatchHeight(training.source().height())
                        .setPatchMpp(patchMpp())).build());
                say("connected to %s as %s (%d training, %d validation patches)", identity.verified(), name,
                        training.train().length, training.validation().length);
                while (true) {
                    Inbound next = inbox.take();
                    if (!(next instanceof Inbound.Message m)) {
                        refuseIfDenied(next);
                        if (next instanceof Inbound.Broken b) {
                            say("connection lost: %s", b.cause().getMessage());
                        }
                        return false;
                    }
                    if (!m.message().hasTask()) {
                        say("ignored an unexpected %s", m.message().getBodyCase());
                        continue;
                    }
                    Task task = m.message().getTask();
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
                try {
                    refuseIfDenied(inbox.poll(2, TimeUnit.SECONDS)); // why the stream closed, when the coordinator said
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return true;
                }
                say("connection lost while sending: %s", e.getMessage());
                return false;
            }
        }

        /**
         * Stops the site when the coordinator refused it — it is not a site of the coordinator's plan
         * (PERMISSION_DENIED), or its patches do not fit the plan's model (FAILED_PRECONDITION): coming back would
         * not change either.
         */
        private void refuseIfDenied(Inbound next) {
            Status.Code code = next instanceof Inbound.Broken b ? Status.fromThrowable(b.cause()).getCode() : null;
            if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.FAILED_PRECONDITION) {
                Inbound.Broken b = (Inbound.Broken) next;
                String why = String.valueOf(Status.fromThrowable(b.cause()).getDescription()).replaceAll("\\s+", " ");
                throw new UserException("the coordinator at " + coordinator + " (" + identity.verified() + ") refused "
                        + name + ": " + (why.length() > MAX_MESSAGE ? why.substring(0, MAX_MESSAGE) : why));
            }
        }

        /** Receives the weights, trains, sends weights and result; false when the connection broke. */
        private boolean perform(Task task) throws InterruptedException {
            ModelWeights start;
            if (task.getFromPeer()) {
                start = peers == null ? null : peers.await(task.getTransfer());
                if (start == null) {
                    sendFailure(task, "the weights from the previous site (" + task.getTransfer() + ") never came");
                    return true;
                }
            } else {
                Chunks.Receiver receiver = new Chunks.Receiver(task.getTransfer());
                while (!receiver.complete()) {
                    Inbound next = inbox.take();
                    if (!(next instanceof Inbound.Message m) || !m.message().hasChunk()) {
                        inbox.add(next);
                        return next instanceof Inbound.Message;
                    }
                    try {
                        receiver.accept(m.message().getChunk());
                    } catch (Chunks.TransferException e) {
                        sendFailure(task, e.getMessage());
                        return false;
                    }
                }
                start = receiver.weights();
            }
            FitResult outcome;
            try {
                FitRequest request = training.request(task, start);
                model = training.modelId(request);
                outcome = training.fit(request);
            } catch (UserException e) {
                sendFailure(task, e.getMessage());
                return true;
            } catch (RuntimeException e) {
                sendFailure(task, e.toString());
                return true;
            }
            String transfer = "r" + task.getRound() + "-" + name;
            long peerBytes = 0;
            boolean handed = false;
            if (!task.getNextPeerAddress().isEmpty() && peers != null) {
                try {
                    peerBytes = peers.send(task.getNextPeerAddress(), task.getNextPeerName(), transfer,
                            outcome.weights(), model);
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
                    .setSamples(training.train().length).setSteps(outcome.steps()).setEpochs(outcome.epochs())
                    .setTrainSeconds(outcome.trainSeconds()).setTrainLoss(outcome.trainLoss()).setValidation(val)
                    .setHandedToPeer(handed).setPeerBytes(peerBytes)).build());
            say("round %d: %.2f epochs (%d steps, %.1f s), loss %.4f%s%s", task.getRound(), outcome.epochs(),
                    outcome.steps(), outcome.trainSeconds(), outcome.trainLoss(),
                    v != null && v.auc() != null ? String.format(Locale.ROOT, ", validation AUC %.3f", v.auc()) : "",
                    handed ? ", handed to " + task.getNextPeerName() : "");
            return true;
        }

        private void sendFailure(Task task, String message) {
            String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
            say("round %d failed: %s", task.getRound(), text);
            send(SiteMessage.newBuilder().setFailure(Failure.newBuilder().setRound(task.getRound()).setMessage(text))
                    .build());
        }

        private void send(SiteMessage message) {
            audit.sent(message, identity.verified(), model);
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

    private void say(String format, Object... args) {
        log.println(name + ": " + String.format(Locale.ROOT, format, args));
        log.flush();
    }

    @Override
    public void close() {
        if (peers != null) {
            peers.close();
        }
        audit.close();
    }

    /** Builds a {@link Site}; name, PKI, coordinator, data and audit log are required. */
    public static final class Builder {
        private String name;
        private Pki pki;
        private String coordinator;
        private String coordinatorName = DEFAULT_COORDINATOR;
        private PatchSource source;
        private long[] train;
        private long[] validation = new long[0];
        private TrainConfig local = TrainConfig.DEFAULTS.toBuilder().optThreads(1).optWorkers(1).build();
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

        /**
         * The name (certificate CN) of the coordinator at {@link #setCoordinator}'s address, default
         * {@code coordinator}: the site talks to nobody else there.
         */
        public Builder optCoordinatorName(String name) {
            this.coordinatorName = name;
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

        /**
         * The site's own training settings — {@code device}, {@code threads}, {@code workers}, {@code prefetch} —
         * that no task sets (default: CPU, one thread, one loader worker).
         */
        public Builder optLocalSettings(TrainConfig local) {
            this.local = local;
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
                throw new UserException("site " + name + " has no labelled training patches in its data");
            }
            return new Site(this);
        }
    }
}
