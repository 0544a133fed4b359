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
 * Mutual TLS for gRPC: both ends present a certificate of the federation's authority and trust nothing else. A peer's
 * identity is its certificate's CN ({@link Pki#commonName}); servers find it in {@link #PEER}.
 */
public final class Tls {

    /** The CN of the client certificate of the current call (set by {@link #identify()}). */
    public static final Context.Key<String> PEER = Context.key("histoscale-peer");

    private Tls() {
    }

    /** Server credentials that require a client certificate signed by the federation's authority. */
    public static ServerCredentials server(Pki.Member me) {
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(me.certificate().toFile(), me.key().toFile())
                    .trustManager(me.ca().toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TLS files of " + me.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Client credentials presenting {@code me}'s certificate and trusting only the authority; the CN of the server
     * the handshake verified is put into {@code serverName}.
     */
    public static ChannelCredentials client(Pki.Member me, AtomicReference<String> serverName) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(me.certificate().toFile(), me.key().toFile())
                    .trustManager(new RecordingTrustManager(authority(me), serverName))
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

    /** Trusts what the authority's trust manager trusts, and records who the server turned out to be. */
    private static final class RecordingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final AtomicReference<String> serverName;

        RecordingTrustManager(X509ExtendedTrustManager delegate, AtomicReference<String> serverName) {
            this.delegate = delegate;
            this.serverName = serverName;
        }

        private void record(X509Certificate[] chain) {
            serverName.set(Pki.commonName(chain[0]));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
            record(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
            record(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            record(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
