package io.histoscale.federation;

import ai.djl.Device;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.histoscale.core.UserException;
import io.histoscale.federation.audit.AuditCheck;
import io.histoscale.federation.audit.AuditLog;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.Hello;
import io.histoscale.federation.proto.ParameterChunk;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Tls;
import io.histoscale.model.ModelWeights;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("federation")
class TransportTest {

    @TempDir
    Path dir;

    @Test
    void chunksRoundTripBitwiseAndDetectCorruption() {
        ModelWeights w = new ModelWeights(ModelWeights.floats(600_000), ModelWeights.floats(7));
        for (int i = 0; i < 600_000; i++) {
            w.parameters().put(i, (float) Math.sin(i) * 1e-3f);
        }
        w.statistics().put(3, Float.NaN);
        List<ParameterChunk> chunks = new ArrayList<>();
        Chunks.send("t", w, chunks::add);
        assertThat(chunks).hasSize(4); // 600,000 floats = 2.3 MiB: three 1 MiB chunks, then the statistics
        assertThat(chunks).allSatisfy(c -> assertThat(c.getData().size()).isLessThanOrEqualTo(Chunks.CHUNK_BYTES));
        Chunks.Receiver receiver = new Chunks.Receiver("t");
        chunks.forEach(receiver::accept);
        ModelWeights back = receiver.weights();
        for (int i = 0; i < 600_000; i++) {
            assertThat(Float.floatToRawIntBits(back.parameters().get(i)))
                    .isEqualTo(Float.floatToRawIntBits(w.parameters().get(i)));
        }
        assertThat(back.statistics().get(3)).isNaN();

        Chunks.Receiver damaged = new Chunks.Receiver("t");
        byte[] bytes = chunks.get(1).getData().toByteArray();
        bytes[17] ^= 1;
        damaged.accept(chunks.get(0));
        damaged.accept(chunks.get(1).toBuilder().setData(com.google.protobuf.ByteString.copyFrom(bytes)).build());
        assertThatThrownBy(() -> damaged.accept(chunks.get(2))).isInstanceOf(Chunks.TransferException.class)
                .hasMessageContaining("SHA-256");
        Chunks.Receiver outOfOrder = new Chunks.Receiver("t");
        assertThatThrownBy(() -> outOfOrder.accept(chunks.get(1))).isInstanceOf(Chunks.TransferException.class);
    }

    @Test
    void weightedAverageWeighsBySampleCount() {
        ModelWeights a = new ModelWeights(ModelWeights.floats(2), ModelWeights.floats(1));
        ModelWeights b = new ModelWeights(ModelWeights.floats(2), ModelWeights.floats(1));
        a.parameters().put(0, 1f).put(1, 4f);
        b.parameters().put(0, 3f).put(1, 0f);
        a.statistics().put(0, 10f);
        b.statistics().put(0, 20f);
        ModelWeights avg = ModelWeights.weightedAverage(List.of(a, b), List.of(1.0, 3.0));
        assertThat(avg.parameters().get(0)).isEqualTo(2.5f);
        assertThat(avg.parameters().get(1)).isEqualTo(1f);
        assertThat(avg.statistics().get(0)).isEqualTo(17.5f);
    }

    @Test
    void pkiRefusesToOverwriteAndNamesIdentities() throws Exception {
        Pki pki = Pki.init(dir.resolve("pki"), "ca-one");
        Pki.Member a = pki.issue("hospital-a", Pki.Role.SITE, List.of("10.0.0.5", "a.example.org"));
        assertThat(Pki.commonName(Pki.readCertificate(a.certificate()))).isEqualTo("hospital-a");
        assertThatThrownBy(() -> Pki.init(dir.resolve("pki"), "again")).isInstanceOf(UserException.class);
        assertThatThrownBy(() -> pki.issue("hospital-a", Pki.Role.SITE, List.of())).isInstanceOf(UserException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> pki.issue("bad name!", Pki.Role.SITE, List.of())).isInstanceOf(UserException.class);
        assertThatThrownBy(() -> Pki.open(dir.resolve("nothing"))).isInstanceOf(UserException.class)
                .hasMessageContaining("pki init");
    }

    /**
     * A site's certificate is a client certificate, a server one only for the hosts it is issued for (peer
     * hand-offs); the coordinator's is a server certificate only; none names a host it was not issued for.
     */
    @Test
    void aCertificateServesNothingItWasNotIssuedFor() throws Exception {
        Pki pki = Pki.init(dir.resolve("pki"), "ca-one");
        X509Certificate site = Pki.readCertificate(pki.issue("hospital-a", Pki.Role.SITE, List.of()).certificate());
        assertThat(site.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
        assertThat(site.getSubjectAlternativeNames()).isNull();
        assertThat(Pki.role(site)).contains(Pki.Role.SITE);
        X509Certificate peer = Pki.readCertificate(pki.issue("hospital-b", Pki.Role.SITE, List.of("10.0.0.7"))
                .certificate());
        assertThat(peer.getExtendedKeyUsage()).containsExactlyInAnyOrder(KeyPurposeId.id_kp_clientAuth.getId(),
                KeyPurposeId.id_kp_serverAuth.getId());
        assertThat(Pki.hosts(peer)).containsExactly("10.0.0.7");
        X509Certificate coordinator = Pki.readCertificate(pki.issue("coordinator", Pki.Role.COORDINATOR,
                List.of("coordinator.example.org")).certificate());
        assertThat(coordinator.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
        assertThat(Pki.hosts(coordinator)).containsExactly("coordinator.example.org");
        assertThat(Pki.role(coordinator)).contains(Pki.Role.COORDINATOR);
        // the role is checked where a member's files are used
        assertThatThrownBy(() -> pki.member("hospital-a", Pki.Role.COORDINATOR)).isInstanceOf(UserException.class)
                .hasMessageContaining("is a site certificate");
        assertThatThrownBy(() -> pki.member("coordinator", Pki.Role.SITE)).isInstanceOf(UserException.class)
                .hasMessageContaining("is a coordinator certificate");
        // a coordinator nobody can reach is refused at once
        assertThatThrownBy(() -> pki.issue("coordinator-2", Pki.Role.COORDINATOR, List.of()))
                .isInstanceOf(UserException.class).hasMessageStartingWith("host missing");
    }

    /** A coordinator accepts a site of its plan and refuses clients without a certificate or from another CA. */
    @Test
    void onlyCertificatesOfTheFederationGetIn() throws Exception {
        Path pkiDir = Fixtures.pki(dir.resolve("pki"), List.of("site-a", "stranger"));
        Pki other = Pki.init(dir.resolve("other"), "another-ca");
        other.issue("site-a", Pki.Role.SITE, List.of()); // same name, wrong authority
        Plan plan = new Plan();
        plan.sites = List.of("site-a");
        plan.pki = pkiDir.toString();
        plan.out = dir.resolve("run").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true))) {
            int port = coordinator.port();
            Pki.Member caFile = Pki.open(pkiDir).member("site-a", Pki.Role.SITE);
            ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
                    .trustManager(caFile.ca().toFile()).build();
            assertThat(hello(port, noCertificate)).isInstanceOf(StatusRuntimeException.class);
            ChannelCredentials otherCa = Tls.client(other.member("site-a", Pki.Role.SITE), coordinator());
            assertThat(hello(port, otherCa)).isInstanceOf(StatusRuntimeException.class);
            ChannelCredentials stranger = Tls.client(Pki.open(pkiDir).member("stranger", Pki.Role.SITE),
                    coordinator());
            assertThat(((StatusRuntimeException) hello(port, stranger)).getStatus().getCode())
                    .isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            assertThat(coordinator.connectedSites()).isEmpty();

            Tls.ServerIdentity server = coordinator();
            ChannelCredentials member = Tls.client(Pki.open(pkiDir).member("site-a", Pki.Role.SITE), server);
            List<String> connected = new ArrayList<>();
            assertThat(hello(port, member, () -> connected.addAll(coordinator.connectedSites()))).isNull();
            assertThat(server.verified()).isEqualTo("coordinator");
            assertThat(connected).containsExactly("site-a");
        }
        assertThat(log.toString()).contains("refused stranger").contains("site-a joined");
    }

    /**
     * Each end checks the other in the handshake: a site pins its coordinator's name and role, and the next site's
     * of a peer hand-off; a server admits only site certificates.
     */
    @Test
    void theHandshakeChecksNamesAndRoles() throws Exception {
        Path pkiDir = Fixtures.pki(dir.resolve("pki"), List.of("site-a", "site-b"));
        Pki pki = Pki.open(pkiDir);
        pki.issue("coordinator-2", Pki.Role.COORDINATOR, List.of("127.0.0.1"));
        Pki.Member siteA = pki.member("site-a", Pki.Role.SITE);
        List<SiteMessage> received = new CopyOnWriteArrayList<>();
        Server forger = Fixtures.forger(pki.member("site-b", Pki.Role.SITE), received);
        try {
            // a site certificate never passes as the coordinator, whatever name the site expects
            for (String expected : List.of("coordinator", "site-b")) {
                Tls.ServerIdentity identity = new Tls.ServerIdentity(expected, Pki.Role.COORDINATOR);
                assertThat(hello(forger.getPort(), Tls.client(siteA, identity)))
                        .isInstanceOf(StatusRuntimeException.class);
                assertThat(identity.refusal()).contains("site-b (a site certificate)");
                assertThat(identity.verified()).isNull();
            }
            // the next site of a peer hand-off must be the one named
            Tls.ServerIdentity otherPeer = new Tls.ServerIdentity("site-c", Pki.Role.SITE);
            assertThat(hello(forger.getPort(), Tls.client(siteA, otherPeer))).isInstanceOf(StatusRuntimeException.class);
            assertThat(otherPeer.refusal()).contains("not the site named site-c");
            assertThat(received).isEmpty();
            Tls.ServerIdentity peer = new Tls.ServerIdentity("site-b", Pki.Role.SITE);
            assertThat(hello(forger.getPort(), Tls.client(siteA, peer))).isNull();
            assertThat(peer.verified()).isEqualTo("site-b");
            assertThat(received).hasSize(1);
        } finally {
            forger.shutdownNow();
        }
        Plan plan = new Plan();
        plan.sites = List.of("site-a", "coordinator");
        plan.name = "coordinator-2";
        plan.pki = pkiDir.toString();
        plan.out = dir.resolve("run").toString();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(new ByteArrayOutputStream(), true))) {
            // a coordinator of another name is not this site's coordinator
            Tls.ServerIdentity expected = coordinator();
            assertThat(hello(coordinator.port(), Tls.client(siteA, expected)))
                    .isInstanceOf(StatusRuntimeException.class);
            assertThat(expected.refusal()).contains("coordinator-2 (a coordinator certificate)");
            // a coordinator's certificate is refused as a site, even under a name the plan lists
            Tls.ServerIdentity right = new Tls.ServerIdentity("coordinator-2", Pki.Role.COORDINATOR);
            assertThat(hello(coordinator.port(), Tls.client(pki.member("coordinator", Pki.Role.COORDINATOR), right)))
                    .isInstanceOf(StatusRuntimeException.class);
            assertThat(coordinator.connectedSites()).isEmpty();
            assertThat(hello(coordinator.port(), Tls.client(siteA, right))).isNull();
        }
    }

    private static Tls.ServerIdentity coordinator() {
        return new Tls.ServerIdentity("coordinator", Pki.Role.COORDINATOR);
    }

    /** Opens a session and says hello; returns the error, or null when the coordinator accepted it. */
    private static Throwable hello(int port, ChannelCredentials credentials) throws InterruptedException {
        return hello(port, credentials, () -> { });
    }

    private static Throwable hello(int port, ChannelCredentials credentials, Runnable whileOpen)
            throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        try {
            StreamObserver<SiteMessage> requests = CoordinatorGrpc.newStub(channel).session(new StreamObserver<>() {
                public void onNext(CoordinatorMessage value) {
                }

                public void onError(Throwable t) {
                    outcome.complete(t);
                }

                public void onCompleted() {
                    outcome.complete(null);
                }
            });
            requests.onNext(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(10)
                    .addLabels("normal").addLabels("tumour")).build());
            try {
                return outcome.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                whileOpen.run();
                return null; // the session is open and waiting for tasks
            } catch (ExecutionException e) {
                return e.getCause();
            }
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void auditFlagsLargeMessagesUnknownTypesWrongSizesAndEditedLines() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditCheck.BufferSizes sizes = new AuditCheck.BufferSizes(300_000, 10);
        ModelWeights w = new ModelWeights(ModelWeights.floats(300_000), ModelWeights.floats(10));
        try (AuditLog log = AuditLog.open(file, "site-a")) {
            log.sent(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(5)).build(), "coordinator",
                    null);
            Chunks.send("r1", w, c -> log.sent(SiteMessage.newBuilder().setChunk(c).build(), "coordinator", "m"));
        }
        AuditCheck.Report clean = AuditCheck.verify(file, m -> sizes);
        assertThat(clean.problems()).isEmpty();
        assertThat(clean.transfers()).isEqualTo(1);
        assertThat(clean.byType()).containsEntry("parameter_chunk", 3L).containsEntry("hello", 1L);

        // a 32x32 RGB patch smuggled into a failure message
        try (AuditLog log = AuditLog.open(file, "site-a")) {
            log.sent(SiteMessage.newBuilder().setFailure(io.histoscale.federation.proto.Failure.newBuilder()
                    .setMessage("x".repeat(3072))).build(), "coordinator", null);
        }
        assertThat(AuditCheck.verify(file, m -> sizes).problems()).singleElement().asString()
                .contains("failure of");
        // a buffer that is not the model's size
        Path wrong = dir.resolve("wrong.jsonl");
        try (AuditLog log = AuditLog.open(wrong, "site-a")) {
            Chunks.send("r1", new ModelWeights(ModelWeights.floats(1000), ModelWeights.floats(10)),
                    c -> log.sent(SiteMessage.newBuilder().setChunk(c).build(), "coordinator", "m"));
        }
        assertThat(AuditCheck.verify(wrong, m -> sizes).problems()).anySatisfy(p -> assertThat(p)
                .contains("PARAMETERS buffer of 1000 floats"));
        // an edited line breaks the chain
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("\"bytes\":", "\"bytes\":1"));
        lines.remove(2);
        Files.write(file, lines);
        assertThat(AuditCheck.verify(file, m -> sizes).problems()).anySatisfy(p -> assertThat(p)
                .contains("chain broken"));
    }

    @Test
    void auditChecksWhoGotEachMessageAgainstThePlan() {
        Path file = dir.resolve("peers.jsonl");
        AuditCheck.BufferSizes sizes = new AuditCheck.BufferSizes(1000, 10);
        ModelWeights w = new ModelWeights(ModelWeights.floats(1000), ModelWeights.floats(10));
        try (AuditLog log = AuditLog.open(file, "site-a")) {
            log.sent(SiteMessage.newBuilder().setHello(Hello.newBuilder().setTrainSamples(5)).build(), "coordinator",
                    null);
            Chunks.send("r1-site-a", w, c -> log.handedOff(c, "site-b", "m"));
            Chunks.send("r2-site-a", w, c -> log.handedOff(c, "site-x", "m"));
        }
        AuditCheck.Report report = AuditCheck.verify(file, m -> sizes,
                new AuditCheck.Peers("coordinator", List.of("site-a", "site-b")));
        assertThat(report.problems()).singleElement().asString().contains("handed to site-x");
        assertThat(report.receivers()).containsEntry("coordinator", 1L).containsEntry("site-b", 2L)
                .containsEntry("site-x", 2L);
        // without the plan, hand-offs are reported only: the coordinator is one throughout
        assertThat(AuditCheck.verify(file, m -> sizes).problems()).isEmpty();
        assertThat(AuditCheck.verify(file, m -> sizes, new AuditCheck.Peers("coordinator", List.of("site-b")))
                .problems()).anySatisfy(p -> assertThat(p).contains("site-a, which is not a site of the plan"));
        assertThat(AuditCheck.verify(file, m -> sizes, new AuditCheck.Peers("central", List.of("site-a", "site-b")))
                .problems()).anySatisfy(p -> assertThat(p).contains("hello sent to coordinator, not the plan's "
                        + "coordinator central"));
    }
}
