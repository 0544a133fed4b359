package io.histoscale.federation;

import io.histoscale.core.JsonLines;
import io.histoscale.core.Json;
import ai.djl.Device;
import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.histoscale.core.UserException;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.strategy.Strategy;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.federation.strategy.Strategy.SiteResult;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Outbox;
import io.histoscale.federation.transport.Tls;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.checkpoint.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordinator: listens for sites over mutual TLS (a site is who its certificate says; only the plan's sites are
 * let in), runs the plan's {@link Strategy} round by round, handles sites that die or time out under the plan's
 * fault policy, checkpoints the global state after every round ({@code coordinator.ckpt}, so a restarted coordinator
 * resumes from its last finished round) and finally scores the result on held-out patches when the plan names some.
 * It never sees pixels: only sites' hellos, weights and aggregate numbers.
 *
 * <p>Files in the plan's {@code out} folder: {@code coordinator.ckpt}, {@code rounds.jsonl} (one line per round),
 * {@code result.json}.
 */
public final class Coordinator implements AutoCloseable {

    public static final String CHECKPOINT = "coordinator.ckpt";
    public static final String ROUNDS = "rounds.jsonl";
    public static final String RESULT = "result.json";

    private final Plan plan;
    private final Strategy strategy;
    private final Path out;
    private final PrintStream log;
    private final Server server;
    private final Device device;
    private final int threads;
    private final Map<String, SiteLink> links = new ConcurrentHashMap<>();
    /** What each site said when it last joined, kept when it drops out (plan order when listed). */
    private final Map<String, SiteInfo> known = new ConcurrentHashMap<>();
    private final Object joins = new Object();
    private final AtomicLong bytesToSites = new AtomicLong();
    private final AtomicLong bytesFromSites = new AtomicLong();
    private final AtomicLong peerBytes = new AtomicLong();
    private java.util.function.IntConsumer afterRound = round -> { };
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "histoscale-coordinator");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts listening.
     *
     * @throws UserException when the address is taken or the certificates are missing
     */
    public Coordinator(Plan plan, Path planDir, Device device, int threads, PrintStream log) {
        this.plan = plan;
        this.strategy = Strategy.of(plan);
        this.out = planDir.resolve(plan.out);
        this.log = log;
        this.device = device;
        this.threads = threads;
        Pki.Member me = Pki.open(planDir.resolve(plan.pki)).member(plan.name);
        String[] hostPort = Site.splitAddress(plan.listen, "listen:");
        try {
            Files.createDirectories(out);
            server = NettyServerBuilder.forAddress(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
                            Tls.server(me))
                    .addService(ServerInterceptors.intercept(new SessionService(), Tls.identify()))
                    .maxInboundMessageSize(2 * Chunks.CHUNK_BYTES)
                    .build().start();
        } catch (IOException e) {
            throw new UserException("listen: " + plan.listen + ": cannot listen (" + e.getMessage() + ")");
        }
    }

    /** Called with the round number after each round is checkpointed (tests inject faults here). */
    public void onRoundEnd(java.util.function.IntConsumer listener) {
        this.afterRound = listener;
    }

    /** Names of the sites connected now. */
    public java.util.Set<String> connectedSites() {
        return java.util.Set.copyOf(links.keySet());
    }

    /** The port sites connect to. */
    public int port() {
        return server.getPort();
    }

    /** What a finished run did. */
    public record Summary(String strategy, int rounds, double wallSeconds, long bytesToSites, long bytesFromSites,
                          long peerBytes, JsonNode test, List<String> skipped) {
        public long bytesTotal() {
            return bytesToSites + bytesFromSites + peerBytes;
        }
    }

    /**
     * Runs the plan to the end (continuing from {@code coordinator.ckpt} when {@code resume} and it exists), tells
     * the sites to stop and writes {@code result.json}.
     */
    public Summary run(boolean resume) {
        return run(resume, true);
    }

    /**
     * Runs the plan; with {@code stopSites} false the sites are left waiting for the next coordinator on this
     * address (they reconnect), e.g. to run several plans with the same site processes.
     */
    public Summary run(boolean resume, boolean stopSites) {
        long start = System.nanoTime();
        TorchEngine engine = TorchEngine.start(new EngineSettings(threads, 1, (int) plan.training.seed));
        GlobalState state;
        Path checkpoint = out.resolve(CHECKPOINT);
        double previousSeconds = 0;
        if (resume && Checkpoint.exists(checkpoint)) {
            Checkpoint c = Checkpoint.read(checkpoint);
            state = restore(c);
            previousSeconds = c.header().path("seconds").asDouble();
            bytesToSites.set(c.header().path("bytes_to_sites").asLong());
            bytesFromSites.set(c.header().path("bytes_from_sites").asLong());
            peerBytes.set(c.header().path("peer_bytes").asLong());
            say("resuming %s after round %d from %s", strategy.name(), state.round(), checkpoint);
        } else {
            try (Model model = plan.model.spec().newModel(device)) {
                state = GlobalState.initial(ModelWeights.of(FlatParameters.of(model)));
            }
            truncate(out.resolve(ROUNDS));
        }
        awaitSites(plan.faults.joinTimeoutSeconds, plan.sites.size());
        if (known.isEmpty()) {
            throw new UserException("no site joined within " + (int) plan.faults.joinTimeoutSeconds + " s: start "
                    + "them with histoscale site --coordinator HOST:" + port());
        }
        start = System.nanoTime(); // wall time counts training rounds, not the wait for sites to start
        List<String> skipped = new ArrayList<>();
        for (int round = state.round() + 1; ; round++) {
            if (plan.faults.policy.equals("wait") && links.size() < plan.sites.size()) {
                awaitSites(plan.faults.deadlineSeconds, plan.sites.size());
            }
            List<SiteInfo> sites = plan.sites.stream().filter(known::containsKey).map(known::get).toList();
            List<Assignment> assignments = strategy.configure(round, state, sites);
            if (assignments.isEmpty()) {
                break;
            }
            long roundStart = System.nanoTime();
            long sentBefore = bytesToSites.get() + bytesFromSites.get() + peerBytes.get();
            final int r = round;
            final GlobalState current = state;
            List<CompletableFuture<SiteResult>> futures = assignments.stream()
                    .map(a -> CompletableFuture.supplyAsync(() -> perform(r, a, current), pool)).toList();
            List<SiteResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                SiteResult result = futures.get(i).join();
                if (result != null) {
                    results.add(result);
                } else {
                    skipped.add("round " + round + ": " + assignments.get(i).site());
                }
            }
            state = strategy.aggregate(round, state, results);
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            long bytes = bytesToSites.get() + bytesFromSites.get() + peerBytes.get() - sentBefore;
            logRound(round, seconds, bytes, assignments, results);
            save(state, previousSeconds + (System.nanoTime() - start) / 1e9);
            afterRound.accept(round);
        }
        if (stopSites) {
            stopSites();
        }
        double wall = previousSeconds + (System.nanoTime() - start) / 1e9;
        JsonNode test = evaluate(state);
        Summary summary = new Summary(strategy.name(), state.round(), wall, bytesToSites.get(), bytesFromSites.get(),
                peerBytes.get(), test, skipped);
        try {
            Files.writeString(out.resolve(RESULT), Json.pretty(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        say("%s finished: %d rounds, %.1f s, %,d bytes exchanged%s", strategy.name(), state.round(), wall,
                summary.bytesTotal(), test == null ? "" : String.format(Locale.ROOT, ", test AUC %s, accuracy %s",
                        test.path("auc").asText("-"), test.path("accuracy").asText("-")));
        return summary;
    }

    /** One site's task under the fault policy; null when it is skipped. */
    private SiteResult perform(int round, Assignment a, GlobalState state) {
        boolean wait = plan.faults.policy.equals("wait");
        long deadline = System.nanoTime() + (long) (plan.faults.deadlineSeconds * 1e9);
        while (true) {
            SiteLink link = links.get(a.site());
            if (link == null) {
                if (!wait || !awaitSite(a.site(), deadline)) {
                    say("round %d: %s is not connected; skipping it", round, a.site());
                    return null;
                }
                continue;
            }
            try {
                return link.perform(round, a, state);
            } catch (SiteLost e) {
                say("round %d: lost %s (%s)%s", round, a.site(), e.getMessage(),
                        wait ? "; waiting for it to rejoin" : "; skipping it (policy skip)");
                if (!wait) {
                    return null;
                }
            } catch (SiteFailed e) {
                say("round %d: %s failed: %s; skipping it", round, a.site(), e.getMessage());
                return null;
            }
        }
    }

    private Task task(int round, Assignment a, String transfer) {
        Task.Builder t = Task.newBuilder().setKind(Task.Kind.TRAIN).setRound(round).setTransfer(transfer)
                .setEpochs(a.epochs()).setPatience(a.patience()).setMu((float) a.mu())
                .setLearningRate((float) plan.training.learningRate).setOptimizer(plan.training.optimizer)
                .setLrSchedule(plan.training.lrSchedule).setProgressFrom(a.progress().from())
                .setProgressTo(a.progress().to())
                .setBatchSize(plan.training.batchSize).setSeed(plan.training.seed + round)
                .setFromPeer(a.fromPeer()).setArchitecture(plan.model.architecture)
                .setInputSize(plan.model.inputSize).setDownsample(plan.model.downsample).setClasses(plan.model.classes);
        if (a.nextPeer() != null) {
            SiteInfo next = known.get(a.nextPeer());
            SiteLink nextLink = links.get(a.nextPeer());
            if (next != null && nextLink != null && !next.peerAddress().isEmpty()) {
                t.setNextPeerAddress(next.peerAddress()).setNextPeerName(next.name());
            }
        }
        return t.build();
    }

    /** Waits until all {@code wanted} sites are connected or the time is up. */
    private void awaitSites(double seconds, int wanted) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        synchronized (joins) {
            while (links.size() < wanted && System.nanoTime() < deadline) {
                try {
                    joins.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean awaitSite(String name, long deadline) {
        synchronized (joins) {
            while (!links.containsKey(name) && System.nanoTime() < deadline) {
                try {
                    joins.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return links.containsKey(name);
        }
    }

    private void stopSites() {
        for (SiteLink link : List.copyOf(links.values())) {
            try {
                link.out.send(CoordinatorMessage.newBuilder().setTask(Task.newBuilder().setKind(Task.Kind.STOP))
                        .build());
                link.out.complete();
            } catch (IllegalStateException e) {
                // already gone
            }
        }
    }

    private JsonNode evaluate(GlobalState state) {
        if (plan.test == null || plan.test.data == null) {
            return null;
        }
        Path base = out.getParent() == null ? Path.of(".") : out.getParent();
        TestData data = TestData.open(base, plan.test);
        try (data; Evaluator evaluator = new Evaluator(data.source(), data.indices(), plan.model, device, threads)) {
            var predictions = strategy.predict(state, evaluator::score);
            return Json.MAPPER.valueToTree(predictions.metrics(evaluator.positiveClass()));
        }
    }

    private void logRound(int round, double seconds, long bytes, List<Assignment> assignments,
                          List<SiteResult> results) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("seconds", seconds);
        line.put("bytes", bytes);
        line.putPOJO("assigned", assignments.stream().map(Assignment::site).toList());
        var answered = line.putArray("results");
        for (SiteResult r : results) {
            ObjectNode o = answered.addObject();
            o.put("site", r.site());
            o.put("samples", r.samples());
            o.put("epochs", r.epochs());
            o.put("train_seconds", r.trainSeconds());
            o.put("train_loss", r.trainLoss());
            if (r.validationAuc() != null) {
                o.put("validation_auc", r.validationAuc());
            }
            if (r.handedTo() != null) {
                o.put("handed_to", r.handedTo());
            }
        }
        JsonLines.append(out.resolve(ROUNDS), line);
        say("round %d: %d/%d site(s) answered in %.1f s, %,d bytes", round, results.size(), assignments.size(),
                seconds, bytes);
    }

    private void save(GlobalState state, double seconds) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("strategy", strategy.name());
        header.put("round", state.round());
        header.put("models", state.models().size());
        header.putPOJO("members", state.members());
        if (state.heldBy() != null) {
            header.put("held_by", state.heldBy());
        }
        header.put("seconds", seconds);
        header.put("bytes_to_sites", bytesToSites.get());
        header.put("bytes_from_sites", bytesFromSites.get());
        header.put("peer_bytes", peerBytes.get());
        Checkpoint c = new Checkpoint(header);
        for (int i = 0; i < state.models().size(); i++) {
            c.add("model-" + i + "-parameters", state.models().get(i).parameters().duplicate().rewind());
            c.add("model-" + i + "-statistics", state.models().get(i).statistics().duplicate().rewind());
        }
        c.write(out.resolve(CHECKPOINT));
    }

    private GlobalState restore(Checkpoint c) {
        JsonNode h = c.header();
        if (!h.path("strategy").asText().equals(strategy.name())) {
            throw new UserException(out.resolve(CHECKPOINT) + " is a " + h.path("strategy").asText() + " run, the plan "
                    + "says " + strategy.name() + ": use another out folder or drop --resume");
        }
        List<ModelWeights> models = new ArrayList<>();
        for (int i = 0; i < h.path("models").asInt(); i++) {
            models.add(new ModelWeights(copy(c.section("model-" + i + "-parameters")),
                    copy(c.section("model-" + i + "-statistics"))));
        }
        List<String> members = new ArrayList<>();
        h.path("members").forEach(m -> members.add(m.asText()));
        // peer-to-peer weights held by a site are gone with the old sessions: resume from the checkpointed copy
        return new GlobalState(h.path("round").asInt(), models, members, null, null);
    }

    private static java.nio.FloatBuffer copy(java.nio.FloatBuffer values) {
        java.nio.FloatBuffer out = ModelWeights.floats(values.remaining());
        out.put(values).flip();
        return out;
    }

    private static void truncate(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void say(String format, Object... args) {
        log.println("coordinator: " + String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /** Stops listening; sites still connected are told to stop only by {@link #run}. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

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

    private final class SessionService extends CoordinatorGrpc.CoordinatorImplBase {
        @Override
        public StreamObserver<SiteMessage> session(StreamObserver<CoordinatorMessage> responses) {
            String name = Tls.PEER.get();
            if (!plan.sites.contains(name)) {
                say("refused %s: not a site of this plan", name);
                responses.onError(Status.PERMISSION_DENIED.withDescription(name + " is not a site of this plan")
                        .asRuntimeException());
                return new StreamObserver<>() {
                    public void onNext(SiteMessage value) {
                    }

                    public void onError(Throwable t) {
                    }

                    public void onCompleted() {
                    }
                };
            }
            return new SiteLink(name, (ServerCallStreamObserver<CoordinatorMessage>) responses).inbound;
        }
    }

    /** One site's session. */
    private final class SiteLink {
        final String name;
        final Outbox<CoordinatorMessage> out;
        private CompletableFuture<Object> pending;
        private int pendingRound;
        private Chunks.Receiver receiver;
        private volatile boolean alive = true;
        final StreamObserver<SiteMessage> inbound = new StreamObserver<>() {
            @Override
            public void onNext(SiteMessage message) {
                bytesFromSites.addAndGet(message.getSerializedSize());
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

        SiteLink(String name, ServerCallStreamObserver<CoordinatorMessage> responses) {
            this.name = name;
            this.out = new Outbox<>(responses, m -> {
                long n = m.getSerializedSize();
                bytesToSites.addAndGet(n);
                return n;
            });
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
                        peerBytes.addAndGet(r.getPeerBytes());
                        if (!r.getHandedToPeer() && (receiver == null || !receiver.complete()
                                || !receiver.transfer().equals(r.getTransfer()))) {
                            fail(new SiteFailed("result of round " + r.getRound() + " without complete weights"));
                        } else {
                            pending.complete(r.getHandedToPeer() ? r : new Object[]{r, receiver.weights()});
                        }
                    }
                    receiver = null;
                }
                case FAILURE -> fail(new SiteFailed(message.getFailure().getMessage()));
                default -> { }
            }
        }

        private void joined(Hello hello) {
            List<String> mismatch = hello.getLabelsCount() != plan.model.classes
                    ? List.of("its patches have classes " + hello.getLabelsList() + ", the plan's model "
                    + plan.model.classes) : List.of();
            if (!mismatch.isEmpty()) {
                say("refused %s: %s", name, mismatch.get(0));
                out.fail(Status.FAILED_PRECONDITION.withDescription(mismatch.get(0)));
                return;
            }
            known.put(name, new SiteInfo(name, hello.getTrainSamples(), hello.getValidationSamples(),
                    hello.getPeerAddress()));
            SiteLink old = links.put(name, this);
            if (old != null && old != this) {
                old.lost("replaced by a new session of " + name);
            }
            say("%s joined (%d training, %d validation patches)", name, hello.getTrainSamples(),
                    hello.getValidationSamples());
            synchronized (joins) {
                joins.notifyAll();
            }
        }

        private synchronized void fail(Exception e) {
            if (pending != null) {
                pending.completeExceptionally(e);
            }
        }

        void lost(String why) {
            alive = false;
            out.closed();
            links.remove(name, this);
            synchronized (this) {
                if (pending != null) {
                    pending.completeExceptionally(new SiteLost(why));
                }
            }
        }

        /** Sends the task (and weights), waits for the answer under the round timeout. */
        SiteResult perform(int round, Assignment a, GlobalState state) throws SiteLost, SiteFailed {
            String transfer = a.fromPeer() ? state.handoff() : "r" + round + "-to-" + name;
            CompletableFuture<Object> answer = new CompletableFuture<>();
            synchronized (this) {
                if (!alive) {
                    throw new SiteLost("disconnected");
                }
                pending = answer;
                pendingRound = round;
            }
            try {
                Task task = task(round, a, transfer);
                out.send(CoordinatorMessage.newBuilder().setTask(task).build());
                if (!task.getFromPeer()) {
                    Chunks.send(transfer, state.models().get(a.model()),
                            c -> out.send(CoordinatorMessage.newBuilder().setChunk(c).build()));
                }
                Object reply = answer.get((long) (plan.faults.roundTimeoutSeconds * 1000), TimeUnit.MILLISECONDS);
                Result r;
                ModelWeights weights = null;
                if (reply instanceof Object[] pair) {
                    r = (Result) pair[0];
                    weights = (ModelWeights) pair[1];
                } else {
                    r = (Result) reply;
                }
                Double auc = r.getValidation().getHasAuc() ? r.getValidation().getAuc() : null;
                return new SiteResult(name, r.getSamples(), weights, r.getEpochs(), r.getTrainSeconds(), r.getTrainLoss(), auc,
                        r.getHandedToPeer() ? task.getNextPeerName() : null, r.getTransfer());
            } catch (IllegalStateException e) {
                throw new SiteLost("connection closed while sending");
            } catch (TimeoutException e) {
                // a site that overruns is cut off, so that a late answer cannot mix into a later round
                out.closed();
                lost("no answer within " + (int) plan.faults.roundTimeoutSeconds + " s");
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
}
