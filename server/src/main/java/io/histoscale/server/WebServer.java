package io.histoscale.server;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.registry.AuditLog;
import io.histoscale.registry.Role;
import io.histoscale.server.api.ClusterApi;
import io.histoscale.server.api.FederationApi;
import io.histoscale.server.api.JobsApi;
import io.histoscale.server.api.RunsApi;
import io.histoscale.server.api.SlidesApi;
import io.histoscale.server.api.StagesApi;
import io.histoscale.server.api.StudiesApi;
import io.histoscale.server.auth.Security;
import io.histoscale.server.auth.SecurityConfig;
import io.histoscale.server.tiles.TileRoutes;
import io.histoscale.server.tiles.TileService;
import io.histoscale.server.web.Pages;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HistoScale web application: pages and the {@code /api/v1} HTTP API on one Javalin (Jetty 12) server, on the same
 * registry, executors and slide readers as the command line, behind a login. Start with {@link #start}; close to stop.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebServer.class.getName());

    private final Javalin app;
    private final ServerConfig config;
    private final TileService tiles;
    private final ScheduledExecutorService timer;
    private final Security security;
    private final RunsApi runs;

    private WebServer(ServerConfig config, SecurityConfig securityConfig) {
        this.config = config;
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "histoscale-live");
            t.setDaemon(true);
            return t;
        });
        this.tiles = new TileService();
        this.security = new Security(securityConfig);
        SlideLibrary library = new SlideLibrary(config.slideRoots());
        RunsApi.Audit audit = Security::audit;
        this.runs = new RunsApi(config.store(), timer, audit);
        JobsApi jobs = new JobsApi(config.cli(), config.store(), config.work(), config.slideRoots(), audit,
                ctx -> Security.user(ctx).name());
        SlidesApi slides = new SlidesApi(library, tiles, runs.queries(), audit);
        StagesApi stages = new StagesApi(runs.queries(), library);
        FederationApi federation = new FederationApi(runs.queries());
        StudiesApi studies = new StudiesApi(config.store());
        io.javalin.http.Handler researcher = Security.requireRole(Role.RESEARCHER);
        Pages pages = new Pages(security);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            c.http.maxRequestSize = 1 << 20;
            c.jetty.host = config.bind();
            c.jetty.port = config.port();
            if (config.tls() != null) tls(c, config);
            c.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/static";
                s.location = Location.CLASSPATH;
            });
            security.install(c);
            runs.register(c, researcher);
            jobs.register(c, researcher);
            slides.register(c);
            TileRoutes.register(c, tiles, ctx -> library.resolve(ctx.pathParam("id")));
            stages.register(c);
            federation.register(c);
            studies.register(c);
            new ClusterApi().register(c);
            c.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json")
                    .result(WebServer.class.getResourceAsStream("/openapi.json")));
            pages.register(c);
            c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            c.routes.exception(UserException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.WARNING, "failed: " + ctx.method() + " " + ctx.path(), e);
                error(ctx, 500, "the server failed on this request (" + e.getClass().getSimpleName()
                        + "); the server log has the details");
            });
            c.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) error(ctx, 404, "not found");
            });
        });
    }

    /**
     * Starts the server.
     *
     * @throws UserException when the address cannot be bound (in use, or not an address of this machine)
     */
    public static WebServer start(ServerConfig config) {
        return start(config, SecurityConfig.of(config.store(), config.tls() != null));
    }

    /** Starts the server with these security settings (session lifetimes, throttle) for the same store. */
    public static WebServer start(ServerConfig config, SecurityConfig security) {
        WebServer s = new WebServer(config, security);
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.close();
            Throwable cause = e;
            while (cause.getCause() != null) cause = cause.getCause();
            throw UserException.forKey("port", config.bind() + ":" + config.port() + " cannot be served ("
                    + cause.getMessage() + "); choose another port or address");
        }
        return s;
    }

    /** The port it listens on (the one chosen when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** Its address, as a browser on this machine reaches it. */
    public String url() {
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return (config.tls() != null ? "https://" : "http://") + host + ":" + port();
    }

    /** The addresses it listens on, one per connector (HTTPS alone when TLS is on). */
    public java.util.List<String> listening() {
        return java.util.Arrays.stream(app.jettyServer().server().getConnectors())
                .map(c -> c instanceof ServerConnector s ? s.getHost() + ":" + s.getLocalPort() + " " + s.getProtocols()
                        : c.toString()).toList();
    }

    public Security security() {
        return security;
    }

    public AuditLog audit() {
        return security.auditLog();
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            timer.shutdownNow();
            tiles.close();
            runs.close();
        }
    }

    /** An error the way the caller reads it: JSON for the API, a short page for people. */
    static void error(Context ctx, int status, String message) {
        ctx.status(status);
        if (ctx.path().startsWith("/api/")) {
            ctx.json(Map.of("error", message == null ? "error " + status : message));
        } else {
            ctx.html(Pages.errorPage(status, message));
        }
    }

    /** An in-memory key store with the PKI member's key and its chain (member, CA). */
    static java.security.KeyStore keyStore(ServerConfig.Tls tls, char[] password) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            java.security.cert.X509Certificate cert = io.histoscale.federation.pki.Pki.readCertificate(tls.certificate());
            java.security.cert.X509Certificate ca = io.histoscale.federation.pki.Pki.readCertificate(tls.ca());
            ks.setKeyEntry("server", io.histoscale.federation.pki.Pki.readKey(tls.key()), password,
                    new java.security.cert.Certificate[]{cert, ca});
            return ks;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw UserException.forKey("tls_pki", "cannot read the TLS certificate " + tls.certificate() + " and key "
                    + tls.key() + ": " + e.getMessage());
        }
    }

    private static void tls(io.javalin.config.JavalinConfig c, ServerConfig config) {
        c.jetty.addConnector((server, http) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            char[] password = java.util.UUID.randomUUID().toString().toCharArray();
            ssl.setKeyStore(keyStore(config.tls(), password));
            ssl.setKeyStorePassword(new String(password));
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer());
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(https));
            connector.setHost(config.bind());
            connector.setPort(config.port());
            return connector;
        });
    }
}
