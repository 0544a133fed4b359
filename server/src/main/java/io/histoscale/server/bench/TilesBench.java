package io.histoscale.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.registry.Role;
import io.histoscale.registry.Users;
import io.histoscale.server.ServerConfig;
import io.histoscale.server.SlideLibrary;
import io.histoscale.server.WebServer;
import io.histoscale.server.auth.Passwords;
import io.histoscale.server.tiles.DeepZoom;
import io.histoscale.server.tiles.TileRoutes;
import io.histoscale.server.tiles.TileService;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.synth.SyntheticSlide;
import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deep Zoom tiles per second served over HTTP: the HistoScale web server (its {@link WebServer}, token auth and
 * all, serving {@link TileRoutes} from a {@link TileService}) against a Python tile server on Debian's
 * python3-openslide {@code DeepZoomGenerator} and the standard library's {@code ThreadingHTTPServer}, both on
 * 127.0.0.1, measured in the same run with the same clients fetching the same tiles.
 *
 * <p>Each round starts each server afresh (a new {@code WebServer}, hence a new tile cache and the slide opened
 * again; a new Python process), fetches the tile list once (cold: every tile is made) and then again (warm: our
 * tile cache serves them; the peer has no tile cache and makes them again, with OpenSlide's own cache warm on both
 * sides). Rounds alternate between the sides and medians are compared, because the machine is shared. Unmeasured
 * passes first warm the JIT and the page cache.
 */
public final class TilesBench {

    static final String PEER_PACKAGES = "python3-openslide python3-pil";
    static final String SLIDE_ID_BARE = "bench";

    private TilesBench() {
    }

    /**
     * What to measure.
     *
     * @param server  "web" (the real {@link WebServer}) or "bare" (TileRoutes on bare Javalin)
     * @param pattern "random" (tiles anywhere, each on its own) or "viewer" (whole screens of tiles, as a viewer asks)
     */
    public record Options(Path slide, int tiles, int clients, int rounds, long seed, String server, String pattern) {
    }

    /** Runs the benchmark; the result is the one JSON object {@code histoscale bench tiles} prints. */
    public static Map<String, Object> run(Options options) {
        checkPeer();
        Path slidePath = options.slide().toAbsolutePath().normalize();
        List<int[]> tiles;
        Map<String, Object> slideInfo = new LinkedHashMap<>();
        try (Slide slide = Slides.open(slidePath)) {
            DeepZoom zoom = new DeepZoom(slide);
            tiles = switch (options.pattern()) {
                case "random" -> tileList(zoom, options.tiles(), options.seed());
                case "viewer" -> viewerList(zoom, options.tiles(), options.seed());
                default -> throw UserException.forKey("pattern", options.pattern() + ": give random or viewer");
            };
            slideInfo.put("slide", slidePath.toString());
            slideInfo.put("slide_width", slide.width(0));
            slideInfo.put("slide_height", slide.height(0));
            slideInfo.put("slide_levels", slide.levelCount());
            slideInfo.put("slide_backend", slide.backend().name());
            slideInfo.put("dz_levels", zoom.levelCount());
            Map<Integer, Integer> perLevel = new java.util.TreeMap<>(Collections.reverseOrder());
            for (int[] t : tiles) perLevel.merge(t[0], 1, Integer::sum);
            slideInfo.put("tiles_per_dz_level", perLevel);
        }

        PeerProcesses peers = new PeerProcesses();
        AtomicReference<Path> workDir = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            peers.killAll();
            Peers.deleteTree(workDir.get());
        }, "histoscale-bench-tiles-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Path work = Files.createTempDirectory("histoscale-bench-tiles");
            workDir.set(work);
            Ours ours = new Ours(options.server(), slidePath, work);
            Pass[] oursCold = new Pass[options.rounds()], oursWarm = new Pass[options.rounds()];
            Pass[] peerCold = new Pass[options.rounds()], peerWarm = new Pass[options.rounds()];
            JsonNode peerInfo;

            // Unmeasured: JIT, page cache, Python's imports; and a check that both serve tiles of the same size.
            Map<Integer, byte[]> oursSample = new ConcurrentHashMap<>(), peerSample = new ConcurrentHashMap<>();
            try (Server s = ours.start()) {
                measure(s, tiles, options.clients(), oursSample);
            }
            try (Server s = ours.start()) { // the JIT needs a second cold pass before our figures settle
                measure(s, tiles, options.clients(), null);
            }
            try (PeerServer s = peers.start(slidePath)) {
                measure(s, tiles, options.clients(), peerSample);
                peerInfo = s.info;
            }
            Map<String, Object> agreement = agreement(tiles, oursSample, peerSample);

            for (int r = 0; r < options.rounds(); r++) {
                try (Server s = ours.start()) {
                    oursCold[r] = measure(s, tiles, options.clients(), null);
                    oursWarm[r] = measure(s, tiles, options.clients(), null);
                }
                try (Server s = peers.start(slidePath)) {
                    peerCold[r] = measure(s, tiles, options.clients(), null);
                    peerWarm[r] = measure(s, tiles, options.clients(), null);
                }
            }

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "tiles");
            double oc = Peers.median(rates(oursCold)), pc = Peers.median(rates(peerCold));
            double ow = Peers.median(rates(oursWarm)), pw = Peers.median(rates(peerWarm));
            out.put("ours", round(oc));
            out.put("peer", round(pc));
            out.put("unit", "tiles/s");
            out.put("ratio", round(oc / pc));
            out.put("p95_ms_ours", round(Peers.median(p95(oursCold))));
            out.put("p95_ms_peer", round(Peers.median(p95(peerCold))));
            out.put("cache", "headline figures are cold: every round starts each server afresh (a new HistoScale"
                    + " WebServer with an empty tile cache and the slide opened again; a new Python process) and"
                    + " fetches each tile once; *_warm repeat the list on the same servers (our tile cache hits, the"
                    + " peer has none and OpenSlide's own cache is warm on both sides)");
            out.put("ours_warm", round(ow));
            out.put("peer_warm", round(pw));
            out.put("ratio_warm", round(ow / pw));
            out.put("p95_ms_ours_warm", round(Peers.median(p95(oursWarm))));
            out.put("p95_ms_peer_warm", round(Peers.median(p95(peerWarm))));
            out.put("ours_rounds", roundAll(rates(oursCold)));
            out.put("peer_rounds", roundAll(rates(peerCold)));
            out.put("clients", options.clients());
            out.put("rounds", options.rounds());
            out.put("warmup", "unmeasured first: two cold passes of ours (JIT), one of the peer; they also check that both"
                    + " serve the same tiles");
            out.put("tiles", tiles.size());
            out.put("pattern", options.pattern().equals("random")
                    ? "random: distinct tiles at random places, evenly over the six finest Deep Zoom levels, shuffled"
                    : "viewer: whole 1600x900 screens of tiles (8x5) at random places and levels among the six finest,"
                    + " screen after screen, each tile once");
            out.put("tile_size", DeepZoom.DEFAULT_TILE_SIZE);
            out.put("overlap", DeepZoom.DEFAULT_OVERLAP);
            out.put("jpeg_quality", 75);
            out.putAll(slideInfo);
            out.put("tile_bytes_ours", oursCold[0].bytes);
            out.put("tile_bytes_peer", peerCold[0].bytes);
            out.putAll(agreement);
            out.put("ours_server", ours.description());
            out.put("peer_name", "python3-openslide " + peerInfo.path("openslide_python").asText() + " on OpenSlide "
                    + peerInfo.path("openslide_library").asText() + ", Pillow " + peerInfo.path("pillow").asText()
                    + ", Python " + peerInfo.path("python").asText() + ": DeepZoomGenerator(tile_size=254, overlap=1,"
                    + " limit_bounds=False) behind http.server.ThreadingHTTPServer (HTTP/1.1 keep-alive), JPEG q75");
            out.put("peer_openslide_python", peerInfo.path("openslide_python").asText());
            out.put("peer_openslide_library", peerInfo.path("openslide_library").asText());
            out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            out.put("client", "a minimal HTTP/1.1 keep-alive client (one connection per thread, GET, Content-Length), "
                    + options.clients() + " threads in the benchmark's JVM pulling the next tile of the list; the same "
                    + "client for both servers");
            out.put("cores", Runtime.getRuntime().availableProcessors());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            peers.killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
            Peers.deleteTree(workDir.get());
        }
    }

    /**
     * The default slide: a synthetic H&amp;E slide of 20000×15000 px (10 × 7.5 mm at 0.5 µm/px, levels of 1/4, 1/16,
     * 1/64), generated once (about 10 s) and kept under the build folder.
     */
    public static Path defaultSlide() {
        Path root = Path.of(System.getProperty("histoscale.root", "."));
        Path dir = Files.isDirectory(root.resolve("server/target")) ? root.resolve("server/target/bench-data")
                : Path.of(System.getProperty("java.io.tmpdir"), "histoscale-bench-data");
        Path slide = dir.resolve("tiles-synthetic-20000x15000-seed1.svs");
        if (Files.isRegularFile(slide)) return slide;
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, "tiles-synthetic-", ".svs.partial");
            try {
                SyntheticSlide.builder().optSizeMm(10, 7.5).optMpp(0.5).optSeed(1).addTumour(2.0).addTumour(0.8)
                        .build().writeTiff(partial);
                Files.move(partial, slide, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return slide;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark slide under " + dir, e);
        }
    }

    // ---- the tile list ------------------------------------------------------------------------------------------

    /**
     * {@code count} distinct tiles, {level, col, row}, spread evenly over the six finest Deep Zoom levels (where a
     * viewer spends its requests; coarser levels have only a handful of tiles), at random places, in random order.
     */
    static List<int[]> tileList(DeepZoom zoom, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int finest = zoom.levelCount() - 1;
        int levels = Math.min(6, zoom.levelCount());
        List<int[]> tiles = new ArrayList<>();
        int left = count;
        // coarse levels first: one with fewer tiles than its share gives them all and the rest goes to finer ones
        for (int i = levels - 1; i >= 0; i--) {
            int level = finest - i;
            DeepZoom.TileCount n = zoom.tileCount(level);
            int share = (int) Math.min(n.total(), left / (i + 1));
            Set<Long> picked = new HashSet<>();
            while (picked.size() < share) {
                int col = random.nextInt(n.columns()), row = random.nextInt(n.rows());
                if (picked.add((long) col << 32 | row)) tiles.add(new int[]{level, col, row});
            }
            left -= share;
        }
        for (int i = tiles.size() - 1; i > 0; i--) Collections.swap(tiles, i, random.nextInt(i + 1));
        return tiles;
    }

    /** Screen size in tiles for the viewer pattern: a 1600×900 window shows 8 × 5 tiles of 254 px, partly. */
    static final int SCREEN_COLUMNS = 8, SCREEN_ROWS = 5;

    /**
     * {@code count} distinct tiles as a viewer asks for them: a screenful of neighbouring tiles at a time, at random
     * places and levels among the six finest, screen after screen (a tile already fetched is not fetched again).
     */
    static List<int[]> viewerList(DeepZoom zoom, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int finest = zoom.levelCount() - 1, levels = Math.min(6, zoom.levelCount());
        long available = 0;
        for (int i = 0; i < levels; i++) available += zoom.tileCount(finest - i).total();
        List<int[]> tiles = new ArrayList<>();
        Set<List<Integer>> seen = new HashSet<>();
        while (tiles.size() < Math.min(count, available)) {
            int level = finest - random.nextInt(levels);
            DeepZoom.TileCount n = zoom.tileCount(level);
            int c0 = random.nextInt(Math.max(1, n.columns() - SCREEN_COLUMNS + 1));
            int r0 = random.nextInt(Math.max(1, n.rows() - SCREEN_ROWS + 1));
            for (int r = r0; r < Math.min(n.rows(), r0 + SCREEN_ROWS) && tiles.size() < count; r++) {
                for (int c = c0; c < Math.min(n.columns(), c0 + SCREEN_COLUMNS) && tiles.size() < count; c++) {
                    if (seen.add(List.of(level, c, r))) tiles.add(new int[]{level, c, r});
                }
            }
        }
        return tiles;
    }

    // ---- servers ------------------------------------------------------------------------------------------------

    /** A tile server on 127.0.0.1: where its tiles are, what headers a request needs, and how to stop it. */
    static class Server implements AutoCloseable {
        private final String tiles;
        private final Map<String, String> headers;
        private final Runnable stop;

        /** {@code tiles}: the URL a tile's {@code LEVEL/COL_ROW.jpeg} is appended to. */
        Server(String tiles, Map<String, String> headers, Runnable stop) {
            this.tiles = tiles;
            this.headers = headers;
            this.stop = stop;
        }

        String tileUrl(int level, int col, int row) {
            return tiles + level + "/" + col + "_" + row + ".jpeg";
        }

        Map<String, String> headers() {
            return headers;
        }

        @Override
        public void close() {
            stop.run();
        }
    }

    /** Starts our server afresh for each round, on one registry (with one user and API token) for the whole run. */
    private static final class Ours {
        private final String kind;
        private final Path slide;
        private final Path work;
        private String token;
        private String id;

        Ours(String kind, Path slide, Path work) {
            if (!kind.equals("web") && !kind.equals("bare")) {
                throw UserException.forKey("server", kind + ": give web (the HistoScale web server) or bare"
                        + " (the tile routes on bare Javalin)");
            }
            this.kind = kind;
            this.slide = slide;
            this.work = work;
        }

        String description() {
            return kind.equals("web")
                    ? "io.histoscale.server.WebServer (Javalin 7 / Jetty 12) on 127.0.0.1, tiles through its API with"
                    + " an API token (Authorization: Bearer), TileService with a 64 MiB tile cache"
                    : "TileRoutes on bare Javalin 7 / Jetty 12 on 127.0.0.1, no authentication, TileService with a 64"
                    + " MiB tile cache";
        }

        Server start() {
            return kind.equals("web") ? startWeb() : startBare();
        }

        private Server startWeb() {
            String store = work.resolve("registry.db").toString();
            if (token == null) {
                Users users = Users.open(store);
                byte[] password = new byte[24];
                new SecureRandom().nextBytes(password);
                users.add("bench", Role.VIEWER,
                        Passwords.hash(Base64.getEncoder().encodeToString(password).toCharArray()), false);
                token = users.createToken("bench", "bench tiles");
                id = new SlideLibrary(List.of(realPath(slide.getParent()))).idOf(slide).orElseThrow();
            }
            ServerConfig config = ServerConfig.builder().optBind("127.0.0.1").optPort(0)
                    .addSlideRoot(slide.getParent()).setStore(store).optWork(work.resolve("work")).build();
            WebServer web = WebServer.start(config);
            return new Server(web.url() + "/api/v1/slides/" + id + "/tiles/",
                    Map.of("Authorization", "Bearer " + token), web::close);
        }

        private Server startBare() {
            TileService tiles = new TileService();
            Javalin app = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                c.jetty.host = "127.0.0.1";
                c.jetty.port = 0;
                TileRoutes.register(c, tiles, ctx -> {
                    if (!ctx.pathParam("id").equals(SLIDE_ID_BARE)) throw new NotFoundResponse();
                    return slide;
                });
            }).start();
            return new Server("http://127.0.0.1:" + app.port() + "/api/v1/slides/" + SLIDE_ID_BARE + "/tiles/",
                    Map.of(), () -> {
                        try {
                            app.stop();
                        } finally {
                            tiles.close();
                        }
                    });
        }

        private static Path realPath(Path p) {
            try {
                return p.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The Python peer, one process per round; every process started is killed at the end, whatever happens. */
    private static final class PeerProcesses {
        private final Set<Process> live = ConcurrentHashMap.newKeySet();
        private Path script;

        PeerServer start(Path slide) throws IOException {
            if (script == null) {
                Path dir = Files.createTempDirectory("histoscale-peer");
                script = Peers.copyScript(TilesBench.class, "dzi_peer_server.py", dir);
            }
            Process p = new ProcessBuilder(Peers.PYTHON.toString(), script.toString(), slide.toString())
                    .directory(script.getParent().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            live.add(p);
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                AtomicReference<String> line = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        line.set(out.readLine());
                    } catch (IOException e) {
                        // no line: reported below
                    }
                }, "peer-ready");
                reader.setDaemon(true);
                reader.start();
                reader.join(TimeUnit.SECONDS.toMillis(60));
                if (line.get() == null) {
                    throw new UserException("the Python tile server did not start (is " + PEER_PACKAGES
                            + " installed? apt-get install " + PEER_PACKAGES + "); run " + Peers.PYTHON + " " + script
                            + " " + slide + " to see why");
                }
                JsonNode info = Json.MAPPER.readTree(line.get());
                return new PeerServer(p, info, this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p);
                throw new IllegalStateException("interrupted while the Python tile server started", e);
            } catch (IOException | RuntimeException e) {
                kill(p);
                throw e;
            }
        }

        void kill(Process p) {
            try {
                p.getOutputStream().close(); // the script exits when its standard input closes
            } catch (IOException e) {
                // killed below anyway
            }
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            live.remove(p);
        }

        void killAll() {
            for (Process p : List.copyOf(live)) kill(p);
            if (script != null) {
                Peers.deleteTree(script.getParent());
                script = null;
            }
        }
    }

    /** The Python server, with what it said of itself when it started (port, versions). */
    private static final class PeerServer extends Server {
        final JsonNode info;

        PeerServer(Process process, JsonNode info, PeerProcesses owner) {
            super("http://127.0.0.1:" + info.path("port").asInt() + "/tiles/", Map.of(), () -> owner.kill(process));
            this.info = info;
        }
    }

    /** Fails early, saying what to install, when Debian's python3-openslide is not there. */
    private static void checkPeer() {
        String how = "the peer needs Debian's Python with " + PEER_PACKAGES + " (apt-get install " + PEER_PACKAGES + ")";
        if (!Files.isExecutable(Peers.PYTHON)) throw new UserException(Peers.PYTHON + " not found: " + how);
        try {
            Process p = new ProcessBuilder(Peers.PYTHON.toString(), "-c", "import openslide.deepzoom, PIL")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UserException("python3-openslide is missing: " + how + " (" + out.strip()
                        .replaceAll("\\s*\\R\\s*", " ") + ")");
            }
        } catch (IOException e) {
            throw new UserException("cannot run " + Peers.PYTHON + ": " + how, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---- measuring ----------------------------------------------------------------------------------------------

    /** One pass over the list: tiles per second, each request's latency, bytes received. */
    record Pass(double tilesPerSecond, double[] latenciesMs, long bytes) {
    }

    /**
     * Fetches every tile of the list once with {@code clients} threads, each taking the next tile when done with one.
     *
     * @param keep when not null, the bytes of each tile by its index in the list
     */
    static Pass measure(Server server, List<int[]> tiles, int clients, Map<Integer, byte[]> keep) {
        double[] latency = new double[tiles.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                LightClient http = null;
                try {
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < tiles.size(); ) {
                        int[] tile = tiles.get(i);
                        URI uri = URI.create(server.tileUrl(tile[0], tile[1], tile[2]));
                        if (http == null) http = new LightClient(uri, server.headers());
                        long t0 = System.nanoTime();
                        LightClient.Answer response = http.get(uri.getRawPath());
                        latency[i] = (System.nanoTime() - t0) / 1e6;
                        if (response.status() != 200) {
                            throw new IllegalStateException("GET " + uri + " answered " + response.status()
                                    + ": " + new String(response.body(), StandardCharsets.UTF_8));
                        }
                        bytes.addAndGet(response.body().length);
                        if (keep != null) keep.put(i, response.body());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (http != null) http.close();
                }
            }, "tiles-client-" + c);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("a tile request failed: " + failure.get().getMessage(), failure.get());
        }
        return new Pass(tiles.size() / seconds, latency, bytes.get());
    }

    /**
     * How far the two sides' tiles agree: how many differ in size, and the mean absolute difference of their decoded
     * pixels (0..255; JPEG and a different resampling filter, so not 0) over the tiles of the same size.
     */
    private static Map<String, Object> agreement(List<int[]> tiles, Map<Integer, byte[]> ours, Map<Integer, byte[]> peer) {
        int mismatched = 0;
        double diff = 0;
        long pixels = 0;
        for (int i = 0; i < tiles.size(); i++) {
            BufferedImage a = decode(ours.get(i)), b = decode(peer.get(i));
            if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
                mismatched++;
                continue;
            }
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    int p = a.getRGB(x, y), q = b.getRGB(x, y);
                    diff += Math.abs((p >> 16 & 255) - (q >> 16 & 255)) + Math.abs((p >> 8 & 255) - (q >> 8 & 255))
                            + Math.abs((p & 255) - (q & 255));
                }
            }
            pixels += 3L * a.getWidth() * a.getHeight();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tiles_differing_in_size", mismatched);
        out.put("mean_abs_pixel_difference", pixels == 0 ? null : round(diff / pixels));
        return out;
    }

    private static BufferedImage decode(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            if (image == null) throw new IllegalStateException("a tile is not a JPEG image");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] rates(Pass[] passes) {
        return Arrays.stream(passes).mapToDouble(Pass::tilesPerSecond).toArray();
    }

    private static double[] p95(Pass[] passes) {
        return Arrays.stream(passes).mapToDouble(p -> percentile(p.latenciesMs(), 0.95)).toArray();
    }

    static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
    }

    private static List<Double> roundAll(double[] v) {
        return Arrays.stream(v).map(TilesBench::round).boxed().toList();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
