package io.histoscale.federation.transport;

import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.histoscale.federation.pki.Pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mutual TLS for gRPC: both ends present a certificate of the federation's authority and trust nothing else, and
 * each end checks in the handshake that the other is who it must be. A server admits clients of one {@link Pki.Role}
 * only (the coordinator and a site's peer server: sites); a client pins the server's name and role
 * ({@link ServerIdentity}: a site its coordinator, or the next site of a peer-to-peer hand-off) and so refuses any
 * other member of the federation before a message is sent; as in any TLS client, the server's certificate must also
 * name the host dialled. A peer's identity is its certificate's CN ({@link Pki#commonName}); servers find the
 * client's in {@link #PEER}.
 */
public final class Tls {

    /** The CN of the client certificate of the current call (set by {@link #identify()}). */
    public static final Context.Key<String> PEER = Context.key("histoscale-peer");

    private Tls() {
    }

    /** Who a client must find at the other end, and what its handshakes found. Thread-safe. */
    public static final class ServerIdentity {
        private final String name;
        private final Pki.Role role;
        private final AtomicReference<String> verified = new AtomicReference<>();
        private final AtomicReference<String> refusal = new AtomicReference<>();

        /** The server must present a certificate of {@code role} named {@code name}. */
        public ServerIdentity(String name, Pki.Role role) {
            this.name = name;
            this.role = role;
        }

        /** The name the server must have. */
        public String name() {
            return name;
        }

        /** The CN of the server a handshake accepted, or null. */
        public String verified() {
            return verified.get();
        }

        /** Why a handshake refused the server (its certificate was not the one expected), or null. */
        public String refusal() {
            return refusal.get();
        }

        void check(X509Certificate certificate) throws CertificateException {
            String cn = Pki.commonName(certificate);
            Pki.Role actual = Pki.role(certificate).orElse(null);
            if (!cn.equals(name) || actual != role) {
                throw new CertificateException("the server is " + cn + " (a " + (actual == null ? "role-less"
                        : actual.id()) + " certificate), not the " + role.id() + " named " + name);
            }
            verified.set(cn);
        }

        void refused(CertificateException e) {
            refusal.set(e.getMessage());
        }
    }

    /**
     * Server credentials that require a client certificate signed by the federation's authority, of role
     * {@code clients}.
     */
    public static ServerCredentials server(Pki.Member me, Pki.Role clients) {
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(me.certificate().toFile(), me.key().toFile())
                    .trustManager(new CheckingTrustManager(authority(me), certificate -> {
                        if (Pki.role(certificate).orElse(null) != clients) {
                            throw new CertificateException(Pki.commonName(certificate) + " is no "
                                    + clients.id() + " certificate");
                        }
                    }, null))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TLS files of " + me.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Client credentials presenting {@code me}'s certificate and accepting only a server of the authority that is
     * {@code server}; each handshake's outcome is recorded in it.
     */
    public static ChannelCredentials client(Pki.Member me, ServerIdentity server) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(me.certificate().toFile(), me.key().toFile())
                    .trustManager(new CheckingTrustManager(authority(me), null, server))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TLS files of " + me.name() + ": " + e.getMessage(), e);
        }
    }

    /** Puts the client certificate's CN into {@link #PEER}; refuses a call without one (TLS already requires it). */
    public static ServerInterceptor identify() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                String name;
                try {
                    if (session == null) {
                        throw new SSLPeerUnverifiedException("no TLS session");
                    }
                    name = Pki.commonName((X509Certificate) session.getPeerCertificates()[0]);
                } catch (SSLPeerUnverifiedException | RuntimeException e) {
                    call.close(Status.UNAUTHENTICATED.withDescription("a certificate of the federation is required"),
                            new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return Contexts.interceptCall(Context.current().withValue(PEER, name), call, headers, next);
            }
        };
    }

    private static X509ExtendedTrustManager authority(Pki.Member me) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", Pki.readCertificate(me.ca()));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509 trust manager");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A check of a peer's certificate that the authority's trust manager accepted. */
    private interface CertificateCheck {
        void check(X509Certificate certificate) throws CertificateException;
    }

    /**
     * Trusts what the authority's trust manager trusts (chain, key usage, and the host name of a server), and then
     * only clients passing {@code clients} (server side) or the server {@code server} is (client side).
     */
    private static final class CheckingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final CertificateCheck clients;
        private final ServerIdentity server;

        CheckingTrustManager(X509ExtendedTrustManager delegate, CertificateCheck clients, ServerIdentity server) {
            this.delegate = delegate;
            this.clients = clients;
            this.server = server;
        }

        private interface Delegated {
            void run() throws CertificateException;
        }

        private void server(X509Certificate[] chain, Delegated authority) throws CertificateException {
            if (server == null) {
                throw new CertificateException("not a client");
            }
            try {
                try {
                    authority.run();
                } catch (CertificateException e) {
                    String why = String.valueOf(e.getMessage());
                    throw new CertificateException("the server's certificate does not verify here ("
                            + why.substring(why.lastIndexOf(": ") + 1).strip() + "): it must be of this federation's "
                            + "authority and name the host dialled", e);
                }
                server.check(chain[0]);
            } catch (CertificateException | RuntimeException e) {
                CertificateException refused = e instanceof CertificateException c ? c
                        : new CertificateException(e.getMessage(), e);
                server.refused(refused);
                throw refused;
            }
        }

        private void client(X509Certificate[] chain, Delegated authority) throws CertificateException {
            if (clients == null) {
                throw new CertificateException("not a server");
            }
            authority.run();
            clients.check(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            server(chain, () -> delegate.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            server(chain, () -> delegate.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            server(chain, () -> delegate.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            client(chain, () -> delegate.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            client(chain, () -> delegate.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            client(chain, () -> delegate.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
