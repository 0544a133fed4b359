package io.histoscale.server;

import io.histoscale.core.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server serves and where: the address it binds, the slide folders it may read (nothing outside them), the
 * run registry, the command that submits jobs, and TLS. Independent of the command line; built with {@link #builder()}.
 *
 * @param bind       the address to listen on; {@code 127.0.0.1} unless told otherwise
 * @param port       the port; 0 picks a free one
 * @param slideRoots the folders whose slides (and annotations beside them) may be read, as real paths
 * @param store      the registry location (SQLite file or JDBC URL)
 * @param cli        the command that runs {@code histoscale} (java, class path, main class) for submissions
 * @param tls        the key store for HTTPS, or null for plain HTTP
 * @param work       the folder submitted jobs run in and write to (their outputs must lie inside it)
 */
public record ServerConfig(String bind, int port, List<Path> slideRoots, String store, List<String> cli, Tls tls,
                           Path work) {

    /** HTTPS with a member of the project's PKI: its certificate, its key and the CA certificate (PEM). */
    public record Tls(Path certificate, Path key, Path ca) {
    }

    public ServerConfig {
        slideRoots = List.copyOf(slideRoots);
        cli = List.copyOf(cli);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private final List<Path> slideRoots = new ArrayList<>();
        private String store;
        private List<String> cli = List.of();
        private Tls tls;
        private Path work = Path.of(System.getProperty("user.home"), ".histoscale", "work");

        public Builder optBind(String bind) {
            this.bind = bind;
            return this;
        }

        public Builder optPort(int port) {
            if (port < 0 || port > 65535) throw UserException.forKey("port", port + " is not a port (0–65535)");
            this.port = port;
            return this;
        }

        /**
         * A folder of slides the server may read.
         *
         * @throws UserException keyed {@code slides} when it is not a folder
         */
        public Builder addSlideRoot(Path folder) {
            if (!Files.isDirectory(folder)) {
                throw UserException.forKey("slides", folder + " is not a folder; give folders of slides");
            }
            try {
                slideRoots.add(folder.toRealPath());
            } catch (java.io.IOException e) {
                throw UserException.forKey("slides", folder + " cannot be read: " + e.getMessage());
            }
            return this;
        }

        public Builder setStore(String store) {
            this.store = store;
            return this;
        }

        public Builder optCli(List<String> cli) {
            this.cli = cli;
            return this;
        }

        public Builder optTls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public Builder optWork(Path work) {
            this.work = work.toAbsolutePath().normalize();
            return this;
        }

        public ServerConfig build() {
            if (store == null) throw UserException.forKey("store", "no run registry given");
            return new ServerConfig(bind, port, slideRoots, store, cli, tls, work);
        }
    }
}
