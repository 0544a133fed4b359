package io.histoscale.server.bench;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.cli.CommandProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code histoscale bench tiles}: Deep Zoom tiles per second, our web server vs a python3-openslide tile server. */
@Command(name = "tiles", description = {
        "Deep Zoom tiles per second over HTTP: the HistoScale web server vs a Python server on python3-openslide's"
                + " DeepZoomGenerator, same tiles, same clients, alternating rounds; prints one JSON object.",
        "Default slide: a synthetic 20000x15000 px slide, generated once under server/target/bench-data."})
public final class TilesBenchCommand implements Callable<Integer> {

    @Option(names = "--slide", description = "Slide to serve (default: the synthetic one).")
    Path slide;

    @Option(names = "--tiles", defaultValue = "600", description = "Distinct tiles in the list (default ${DEFAULT-VALUE}).")
    int tiles;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent client threads (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds per side (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the tile list (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--server", defaultValue = "web", description = "Our side: web (the HistoScale web server with"
            + " token auth) or bare (the tile routes on bare Javalin); default ${DEFAULT-VALUE}.")
    String server;

    @Option(names = "--pattern", defaultValue = "random", description = "Tile list: random (tiles anywhere, each on its"
            + " own) or viewer (whole screens of neighbouring tiles, as a viewer asks); default ${DEFAULT-VALUE}.")
    String pattern;

    @Override
    public Integer call() {
        if (tiles < 1) throw UserException.forKey("tiles", tiles + ": give at least 1");
        if (clients < 1) throw UserException.forKey("clients", clients + ": give at least 1");
        if (rounds < 1) throw UserException.forKey("rounds", rounds + ": give at least 1");
        Path target = slide;
        if (target == null) {
            target = TilesBench.defaultSlide();
        } else if (!Files.isRegularFile(target)) {
            throw new UserException("slide not found: " + target);
        }
        System.out.println(Json.pretty(TilesBench.run(new TilesBench.Options(target, tiles, clients, rounds, seed, server, pattern))));
        return 0;
    }

    /** Adds this command to {@code histoscale bench}. */
    public static final class Provider implements CommandProvider {
        @Override
        public String parent() {
            return "bench";
        }

        @Override
        public Object command() {
            return new TilesBenchCommand();
        }
    }
}
