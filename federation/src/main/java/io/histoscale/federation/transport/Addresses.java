package io.histoscale.federation.transport;

import io.histoscale.core.UserException;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} addresses of coordinators and sites, and the ports they listen on. */
public final class Addresses {

    /** Largest TCP port. */
    public static final int MAX_PORT = 65535;

    /** A parsed address. */
    public record HostPort(String host, int port) {
        public InetSocketAddress socket() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private Addresses() {
    }

    /**
     * An address to connect to: port 1 to 65535.
     *
     * @param key the configuration key the address was given as, for the message
     * @throws UserException keyed {@code key} when it is not {@code HOST:PORT} with such a port
     */
    public static HostPort split(String address, String key) {
        return parse(address, key, false);
    }

    /**
     * An address to listen on: port 0 (any free one) to 65535.
     *
     * @throws UserException keyed {@code key} when it is not {@code HOST:PORT} with such a port
     */
    public static HostPort listening(String address, String key) {
        return parse(address, key, true);
    }

    /**
     * A port to listen on: 0 (any free one) to 65535.
     *
     * @throws UserException keyed {@code key} when out of range
     */
    public static int listeningPort(int port, String key) {
        if (port < 0 || port > MAX_PORT) {
            throw UserException.forKey(key, port + ": out of range; give a port from 1 to " + MAX_PORT
                    + " (0: any free one)");
        }
        return port;
    }

    private static HostPort parse(String address, String key, boolean anyPort) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        String port = colon < 0 ? "" : address.substring(colon + 1);
        if (colon <= 0 || !port.matches("-?\\d{1,9}")) {
            throw UserException.forKey(key, address + ": give HOST:PORT, e.g. 127.0.0.1:7443");
        }
        int number = Integer.parseInt(port);
        if (number < (anyPort ? 0 : 1) || number > MAX_PORT) {
            throw UserException.forKey(key, address + ": port " + number + " is out of range; give a port from 1 to "
                    + MAX_PORT + (anyPort ? " (0: any free one)" : ""));
        }
        return new HostPort(address.substring(0, colon), number);
    }
}
