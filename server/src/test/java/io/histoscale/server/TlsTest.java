package io.histoscale.server;

import io.histoscale.federation.pki.Pki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code serve --tls-pki}: HTTPS with a certificate of the project's PKI, and no plain HTTP beside it. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithThePkisCertificateAndSecureCookies() throws Exception {
        Pki pki = Pki.init(dir.resolve("pki"), "test-ca");
        Pki.Member m = pki.issue("server", Pki.Role.COORDINATOR, List.of("127.0.0.1"));
        ServerConfig config = ServerConfig.builder().optPort(0).setStore(dir.resolve("runs.db").toString())
                .optWork(dir.resolve("work")).optTls(new ServerConfig.Tls(m.certificate(), m.key(), m.ca())).build();
        try (WebServer server = WebServer.start(config)) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            assertThat(server.listening()).singleElement().asString().contains("ssl");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pki.readCertificate(m.ca()));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create(server.url() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("strict-transport-security")).isPresent();
            HttpResponse<String> api = https.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(401);
            String plain = server.url().replace("https://", "http://");
            assertThatThrownBy(() -> {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plain + "/login"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) throw new AssertionError("plain HTTP served the login page");
                throw new java.io.IOException("refused: " + r.statusCode());
            }).isInstanceOf(java.io.IOException.class);
        }
    }
}
