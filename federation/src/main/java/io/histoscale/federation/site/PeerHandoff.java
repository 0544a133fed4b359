package io.histoscale.federation.site;

import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.histoscale.core.UserException;
import io.histoscale.federation.audit.AuditLog;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.HandoffReceipt;
import io.histoscale.federation.proto.ParameterChunk;
import io.histoscale.federation.proto.PeerGrpc;
import io.histoscale.federation.transport.Addresses;
import io.histoscale.federation.transport.Chunks;
import io.histoscale.federation.transport.Outbox;
import io.histoscale.federation.transport.Tls;
import io.histoscale.model.ModelWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Peer-to-peer cyclical transfer at one site: a server that accepts weights handed over by the previous site (mutual
 * TLS; only site certificates get in, and the sender is who its certificate says), and the client that hands this
 * site's weights to the next one after the TLS handshake verified that the server at the given address is that site
 * (its name and role). Every chunk handed over is recorded in the site's audit log first.
 */
final class PeerHandoff implements AutoCloseable {

    private final Pki.Member me;
    private final AuditLog audit;
    private final Consumer<String> log;
    private final Server server;
    private final String address;
    private final ConcurrentHashMap<String, CompletableFuture<ModelWeights>> received = new ConcurrentHashMap<>();

    /**
     * Listens on {@code host:port} (port 0: any free one).
     *
     * @throws UserException keyed {@code peer_port} when the port is out of range or taken, {@code peer_host} when
     *                       the site's certificate is not issued for {@code host}
     */
    PeerHandoff(Pki.Member me, AuditLog audit, Consumer<String> log, String host, int port) {
        this.me = me;
        this.audit = audit;
        this.log = log;
        Addresses.listeningPort(port, "peer_port");
        List<String> hosts;
        try {
            hosts = Pki.hosts(Pki.readCertificate(me.certificate()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + me.certificate() + ": " + e.getMessage(), e);
        }
        if (hosts.stream().noneMatch(h -> sameHost(h, host))) {
            throw UserException.forKey("peer_host", host + ": " + me.certificate().getFileName() + " is not issued "
                    + "for it (it names " + (hosts.isEmpty() ? "no host" : String.join(", ", hosts)) + "); to accept "
                    + "peer-to-peer hand-offs there, issue the site's certificate with that host");
        }
        try {
            server = NettyServerBuilder.forAddress(new Addresses.HostPort(host, port).socket(),
                            Tls.server(me, Pki.Role.SITE))
                    .addService(ServerInterceptors.intercept(new PeerService(), Tls.identify()))
                    .maxInboundMessageSize(2 * Chunks.CHUNK_BYTES)
                    .build().start();
        } catch (IOException e) {
            throw UserException.forKey("peer_port", port + ": cannot listen (" + e.getMessage() + ")");
        }
        this.address = host + ":" + server.getPort();
    }

    /** host:port where peers hand weights to this site. */
    String address() {
        return address;
    }

    /** The weights handed over as {@code transfer}, waiting up to two minutes; null when they never came. */
    ModelWeights await(String transfer) throws InterruptedException {
        CompletableFuture<ModelWeights> future = received.computeIfAbsent(transfer, t -> new CompletableFuture<>());
        try {
            return future.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } finally {
            received.remove(transfer);
        }
    }

    /**
     * Streams weights to the site {@code peerName} at {@code peerAddress} once the handshake verified it is that site.
     *
     * @return the bytes sent
     * @throws RuntimeException when the peer cannot be reached, is someone else, or does not confirm receipt
     */
    long send(String peerAddress, String peerName, String transfer, ModelWeights weights, String model) {
        Addresses.HostPort to = Addresses.split(peerAddress, "peer_address");
        Tls.ServerIdentity peer = new Tls.ServerIdentity(peerName, Pki.Role.SITE);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(to.host(), to.port(), Tls.client(me, peer))
                .build();
        try {
            waitReady(channel, System.nanoTime(), 30, peerAddress, peer,
                    why -> new IllegalStateException("refused " + peerAddress + ": " + why));
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
            Chunks.send(transfer, weights, chunk -> {
                audit.handedOff(chunk, peer.verified(), model);
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

    /**
     * Waits until a channel is connected (TLS handshake done, {@code server} verified), retrying promptly.
     *
     * @param refused makes the exception thrown at once when a handshake refused the server, from the reason
     * @throws UserException when it cannot be reached within {@code seconds}
     */
    static void waitReady(ManagedChannel channel, long since, double seconds, String address,
                          Tls.ServerIdentity server, Function<String, RuntimeException> refused) {
        while (true) {
            ConnectivityState state = channel.getState(true);
            if (server.refusal() != null) {
                throw refused.apply(server.refusal());
            }
            if (state == ConnectivityState.READY && server.name().equals(server.verified())) {
                return;
            }
            if ((System.nanoTime() - since) / 1e9 > seconds) {
                throw new UserException("cannot reach " + address + " over mutual TLS within " + (int) seconds
                        + " s: check the address, that it runs, and that both certificates come from the same pki");
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

    /** Whether a certificate's host name or IP address {@code named} is {@code host}. */
    private static boolean sameHost(String named, String host) {
        if (named.equalsIgnoreCase(host)) {
            return true;
        }
        boolean literals = isIp(named) && isIp(host);
        try {
            return literals && InetAddress.getByName(named).equals(InetAddress.getByName(host)); // literals: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIp(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    @Override
    public void close() {
        server.shutdownNow();
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
                    log.accept("a handoff from " + sender + " failed: " + t.getMessage());
                }

                @Override
                public void onCompleted() {
                    if (receiver == null || !receiver.complete()) {
                        response.onError(Status.DATA_LOSS.withDescription("incomplete transfer").asRuntimeException());
                        return;
                    }
                    received.computeIfAbsent(receiver.transfer(), t -> new CompletableFuture<>())
                            .complete(receiver.weights());
                    response.onNext(HandoffReceipt.newBuilder().setTransfer(receiver.transfer())
                            .setBytes(receiver.bytes()).build());
                    response.onCompleted();
                    log.accept("received " + receiver.transfer() + " from " + sender + " (" + receiver.bytes()
                            + " bytes)");
                }
            };
        }
    }
}
