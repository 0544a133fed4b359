package io.histoscale.server.tiles;

import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TileRoutesTest {

    @TempDir
    Path dir;
    TileService tiles;
    Javalin app;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        Path slide = TestSlides.synthetic(dir);
        tiles = new TileService();
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = "127.0.0.1";
            c.jetty.port = 0;
            TileRoutes.register(c, tiles, ctx -> {
                if (!ctx.pathParam("id").equals("s1")) throw new NotFoundResponse("no such slide");
                return slide;
            });
        }).start();
    }

    @AfterEach
    void stop() {
        app.stop();
        tiles.close();
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void dziDescriptor() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/slides/s1/dzi");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/xml"));
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("TileSize=\"254\"", "Overlap=\"1\"",
                "Width=\"3000\"");
    }

    @Test
    void tileIsACacheableJpeg() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/slides/s1/tiles/12/11_7.jpeg");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, max-age=3600");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(image.getWidth()).isEqualTo(207);
        assertThat(image.getHeight()).isEqualTo(223);
    }

    @Test
    void anythingElseIsNotFound() throws Exception {
        for (String path : new String[]{
                "/api/v1/slides/s1/tiles/13/0_0.jpeg",     // level beyond the pyramid
                "/api/v1/slides/s1/tiles/12/12_0.jpeg",    // column beyond
                "/api/v1/slides/s1/tiles/12/0_8.jpeg",     // row beyond
                "/api/v1/slides/s1/tiles/-1/0_0.jpeg",
                "/api/v1/slides/s1/tiles/12/0_0.png",
                "/api/v1/slides/s1/tiles/12/0-0.jpeg",
                "/api/v1/slides/s1/tiles/x/0_0.jpeg",
                "/api/v1/slides/s1/tiles/12/99999999999_0.jpeg",
                "/api/v1/slides/other/tiles/12/0_0.jpeg",  // the resolver refuses the id
                "/api/v1/slides/other/dzi"}) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }
}
