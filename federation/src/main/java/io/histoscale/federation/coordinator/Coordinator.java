package io.histoscale.federation.coordinator;

import ai.djl.Device;
import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.federation.Evaluator;
import io.histoscale.federation.Plan;
import io.histoscale.federation.TestData;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Result;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.proto.Task;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.federation.strategy.Strategy.SiteResult;
import io.histoscale.federation.strategy.Strategy;
import io.histoscale.federation.transport.Addresses;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.ConfigMessages;
import io.histoscale.federation.transport.Tls;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelWeights;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.TrainConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The coordinator: listens for sites over mutual TLS (a site is who its certificate says; only site certificates get
 * through the handshake, and only the plan's sites are let in), runs the plan's {@link Strategy} round by round, handles sites that die or time out under the plan's
 * fault policy, checkpoints the global state after every round ({@link RoundCheckpoint}, so a restarted coordinator
 * resumes from its last finished round) and finally scores the result on held-out patches when the plan names some.
 * It never sees pixels: only sites' hellos, weights and aggregate numbers.
 *
 * <p>Files in the plan's {@code out} folder: {@code coordinator.ckpt}, {@code rounds.jsonl} (one line per round,
 * {@link RoundLog}), {@code result.json}. Connected sites are kept in a {@link SiteRegistry}, each session in a
 * {@link SiteLink}.
 */
public final class Coordinator implements AutoCloseable {

    public static final String CHECKPOINT = "coordinator.ckpt";
    public static final String ROUNDS = "rounds.jsonl";
    public static final String RESULT = "result.json";

    private final Plan plan;
    private final Strategy strategy;
    private final TrainConfig training;
    private final Path out;
    private final PrintStream log;
    private final Device device;
    private final int threads;
    private final SiteRegistry sites;
    private final Traffic traffic = new Traffic();
    private final RoundCheckpoint checkpoint;
    private final RoundLog rounds;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "histoscale-coordinator");
        t.setDaemon(true);
        return t;
    });
    private Server server;
    private IntConsumer afterRound = round -> { };

    private Coordinator(Plan plan, Path planDir, Device device, int threads, PrintStream log) {
        this.plan = plan;
        this.strategy = plan.newStrategy();
        this.training = plan.trainConfig();
        this.out = planDir.resolve(plan.out);
        this.log = log;
        this.device = device;
        this.threads = threads;
        this.sites = new SiteRegistry(plan.sites);
        this.checkpoint = new RoundCheckpoint(out.resolve(CHECKPOINT));
        this.rounds = new RoundLog(out.resolve(ROUNDS));
    }

    /**
     * A coordinator listening on the plan's address.
     *
     * @param planDir the folder the plan's relative paths ({@code pki}, {@code out}, {@code test}) start from
     * @param threads PyTorch threads for scoring the test patches
     * @throws UserException when the address is taken or the certificates are missing
     */
    public static Coordinator start(Plan plan, Path planDir, Device device, int threads, PrintStream log) {
        Coordinator c = new Coordinator(plan, planDir, device, threads, log);
        c.listen(Pki.open(planDir.resolve(plan.pki)).member(plan.name, Pki.Role.COORDINATOR));
        return c;
    }

    private void listen(Pki.Member me) {
        InetSocketAddress address = Addresses.listening(plan.listen, "listen").socket();
        try {
            Files.createDirectories(out);
            server = NettyServerBuilder.forAddress(address, Tls.server(me, Pki.Role.SITE))
                    .addService(ServerInterceptors.intercept(new SessionService(), Tls.identify()))
                    .maxInboundMessageSize(2 * Chunks.CHUNK_BYTES)
                    .build().start();
        } catch (IOException e) {
            pool.shutdownNow();
            throw UserException.forKey("listen", plan.listen + ": cannot listen (" + e.getMessage() + ")");
        }
    }

    /** Called with the round number after each round is checkpointed (tests inject faults here). */
    public void onRoundEnd(IntConsumer listener) {
        this.afterRound = listener;
    }

    /** Names of the sites connected now. */
    public Set<String> connectedSites() {
        return sites.connected();
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
        checkTestData(); // before the engine starts and sites are waited for: a misfit fails at once
        TorchEngine.start(new EngineSettings(threads, 1, training.seed()));
        GlobalState state;
        double previousSeconds = 0;
        if (resume && checkpoint.exists()) {
            RoundCheckpoint.Restored r = checkpoint.restore(strategy.name());
            state = r.state();
            previousSeconds = r.seconds();
            traffic.set(r.bytesToSites(), r.bytesFromSites(), r.peerBytes());
            say("resuming %s after round %d from %s", strategy.name(), state.round(), checkpoint.file());
        } else {
            // the same initial weights as histoscale train with the same model and seed
            try (Model model = plan.model.spec().newModel(device, training.seed())) {
                state = GlobalState.initial(ModelWeights.of(FlatParameters.of(model)));
            }
            rounds.clear();
        }
        sites.awaitAll(plan.faults.joinTimeoutSeconds);
        if (!sites.anyKnown()) {
            throw new UserException("no site joined within " + (int) plan.faults.joinTimeoutSeconds + " s: start "
                    + "them with histoscale site --coordinator HOST:" + port());
        }
        checkTestDataAgainstSites();
        long start = System.nanoTime(); // wall time counts training rounds, not the wait for sites to start
        List<String> skipped = new ArrayList<>();
        for (int round = state.round() + 1; ; round++) {
            if (waits() && sites.connectedCount() < plan.sites.size()) {
                sites.awaitAll(plan.faults.deadlineSeconds);
            }
            List<Assignment> assignments = strategy.configure(round, state, sites.knownInPlanOrder());
            if (assignments.isEmpty()) {
                break;
            }
            long roundStart = System.nanoTime();
            long before = traffic.total();
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
            long bytes = traffic.total() - before;
            rounds.append(round, seconds, bytes, assignments, results);
            say("round %d: %d/%d site(s) answered in %.1f s, %,d bytes", round, results.size(), assignments.size(),
                    seconds, bytes);
            checkpoint.save(strategy.name(), state, previousSeconds + (System.nanoTime() - start) / 1e9, traffic);
            afterRound.accept(round);
        }
        if (stopSites) {
            sites.links().forEach(SiteLink::stop);
        }
        double wall = previousSeconds + (System.nanoTime() - start) / 1e9;
        JsonNode test = evaluate(state);
        Summary summary = new Summary(strategy.name(), state.round(), wall, traffic.toSites.get(),
                traffic.fromSites.get(), traffic.betweenSites.get(), test, skipped);
        AtomicFiles.writeString(out.resolve(RESULT), Json.pretty(summary));
        say("%s finished: %d rounds, %.1f s, %,d bytes exchanged%s", strategy.name(), state.round(), wall,
                summary.bytesTotal(), test == null ? "" : String.format(Locale.ROOT, ", test AUC %s, accuracy %s",
                        test.path("auc").asText("-"), test.path("accuracy").asText("-")));
        return summary;
    }

    private boolean waits() {
        return plan.faults.policy.equals("wait");
    }

    /** One site's task under the fault policy; null when it is skipped. */
    private SiteResult perform(int round, Assignment a, GlobalState state) {
        long deadline = System.nanoTime() + (long) (plan.faults.deadlineSeconds * 1e9);
        while (true) {
            SiteLink link = sites.link(a.site());
            if (link == null) {
                if (!waits() || !sites.await(a.site(), deadline)) {
                    say("round %d: %s is not connected; skipping it", round, a.site());
                    return null;
                }
                continue;
            }
            try {
                Task task = task(round, a, a.fromPeer() ? state.handoff() : "r" + round + "-to-" + a.site());
                SiteReply reply = link.perform(task, state.models().get(a.model()), plan.faults.roundTimeoutSeconds);
                Result r = reply.result();
                Double auc = r.getValidation().getHasAuc() ? r.getValidation().getAuc() : null;
                return new SiteResult(a.site(), r.getSamples(), reply.weights(), r.getEpochs(), r.getTrainSeconds(),
                        r.getTrainLoss(), auc, r.getHandedToPeer() ? task.getNextPeerName() : null,
                        r.getTransfer());
            } catch (SiteLink.SiteLost e) {
                say("round %d: lost %s (%s)%s", round, a.site(), e.getMessage(),
                        waits() ? "; waiting for it to rejoin" : "; skipping it (policy skip)");
                if (!waits()) {
                    return null;
                }
            } catch (SiteLink.SiteFailed e) {
                say("round %d: %s failed: %s; skipping it", round, a.site(), e.getMessage());
                return null;
            }
        }
    }

    /** The task message: the plan's training settings with the strategy's per-site config over them. */
    private Task task(int round, Assignment a, String transfer) {
        Map<String, Object> config = new LinkedHashMap<>(plan.taskSettings());
        config.putAll(a.config());
        Task.Builder t = Task.newBuilder().setKind(Task.Kind.TRAIN).setRound(round).setTransfer(transfer)
                .setFromPeer(a.fromPeer()).putAllConfig(ConfigMessages.toProto(config));
        if (a.nextPeer() != null) {
            SiteInfo next = sites.info(a.nextPeer());
            if (next != null && sites.link(a.nextPeer()) != null && !next.peerAddress().isEmpty()) {
                t.setNextPeerAddress(next.peerAddress()).setNextPeerName(next.name());
            }
        }
        return t.build();
    }

    /** Where the plan's test paths start from. */
    private Path testBase() {
        return out.getParent() == null ? Path.of(".") : out.getParent();
    }

    /** Opens the plan's test data and checks them against the plan's model, so that a misfit fails before round 1. */
    private void checkTestData() {
        if (plan.test == null || plan.test.data == null) {
            return;
        }
        try (TestData data = TestData.open(testBase(), plan.test)) {
            Evaluator.check(data.source(), data.opened().info().path(), plan.model);
        }
    }

    /** Compares the test patches with the sites' patches ({@link TestDataCheck}) before round 1; logs warnings. */
    private void checkTestDataAgainstSites() {
        if (plan.test == null || plan.test.data == null) {
            return;
        }
        try (TestData data = TestData.open(testBase(), plan.test)) {
            TestDataCheck.check(data.source(), data.opened().info().path(), sites.hellos(),
                    w -> say("warning: %s", w));
        }
    }

    private JsonNode evaluate(GlobalState state) {
        if (plan.test == null || plan.test.data == null) {
            return null;
        }
        TestData data = TestData.open(testBase(), plan.test);
        try (data; Evaluator evaluator = new Evaluator(data.source(), data.indices(), plan.model, training, device,
                threads)) {
            var predictions = strategy.predict(state, evaluator::score);
            return Json.MAPPER.valueToTree(predictions.metrics(evaluator.positiveClass()));
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

    /** Admits the plan's sites (by their certificate's name) and gives each session a {@link SiteLink}. */
    private final class SessionService extends CoordinatorGrpc.CoordinatorImplBase {
        @Override
        public StreamObserver<SiteMessage> session(StreamObserver<CoordinatorMessage> responses) {
            String name = Tls.PEER.get();
            if (!sites.isPlanned(name)) {
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
            return new SiteLink(name, plan.model.classes, (ServerCallStreamObserver<CoordinatorMessage>) responses,
                    sites, traffic, line -> say("%s", line)).inbound;
        }
    }
}
