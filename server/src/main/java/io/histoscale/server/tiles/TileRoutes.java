package io.histoscale.server.tiles;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Deep Zoom endpoints OpenSeadragon reads:
 * <ul>
 *     <li>{@code GET /api/v1/slides/{id}/dzi}: the DZI descriptor ({@code application/xml});</li>
 *     <li>{@code GET /api/v1/slides/{id}/tiles/{level}/{col}_{row}.jpeg}: one tile ({@code image/jpeg}, cacheable by
 *     the browser for an hour).</li>
 * </ul>
 * A level, column or row outside the pyramid, or a malformed one, is 404. A slide that cannot be opened raises the
 * {@link io.histoscale.core.UserException} for the app's error handling.
 */
public final class TileRoutes {

    public static final String DZI = "/api/v1/slides/{id}/dzi";
    public static final String TILE = "/api/v1/slides/{id}/tiles/{level}/{tile}";
    public static final String TILE_CACHE_CONTROL = "private, max-age=3600";

    private static final Pattern TILE_NAME = Pattern.compile("(\\d{1,9})_(\\d{1,9})\\.jpe?g");
    private static final Pattern LEVEL = Pattern.compile("\\d{1,9}");

    private TileRoutes() {
    }

    /**
     * @param resolveSlide the absolute path of the slide {@code {id}} names; throws
     *                     {@link NotFoundResponse} for an id that names none (or nothing it may read)
     */
    public static void register(JavalinConfig config, TileService tiles, Function<Context, Path> resolveSlide) {
        config.routes.get(DZI, ctx -> {
            Path slide = resolveSlide.apply(ctx);
            ctx.contentType("application/xml").result(tiles.dzi(slide));
        });
        config.routes.get(TILE, ctx -> {
            String levelText = ctx.pathParam("level");
            Matcher name = TILE_NAME.matcher(ctx.pathParam("tile"));
            if (!LEVEL.matcher(levelText).matches() || !name.matches()) {
                throw new NotFoundResponse("No such tile: use tiles/LEVEL/COL_ROW.jpeg");
            }
            Path slide = resolveSlide.apply(ctx);
            byte[] jpeg;
            try {
                jpeg = tiles.tile(slide, Integer.parseInt(levelText), Integer.parseInt(name.group(1)),
                        Integer.parseInt(name.group(2)));
            } catch (TileNotFoundException e) {
                throw new NotFoundResponse(e.getMessage());
            }
            ctx.header("Cache-Control", TILE_CACHE_CONTROL).contentType("image/jpeg").result(jpeg);
        });
    }
}
