package io.histoscale.federation.transport;

import io.histoscale.core.UserException;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} addresses of coordinators and sites. */
public final class Addresses {

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
     * @param key the configuration key the address was given as, for the message
     * @throws UserException keyed {@code key} when it is not {@code HOST:PORT}
     */
    public static HostPort split(String address, String key) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0 || !address.substring(colon + 1).matches("\\d{1,5}")
                || Integer.parseInt(address.substring(colon + 1)) > 65535) {
            throw UserException.forKey(key, address + ": give HOST:PORT, e.g. 127.0.0.1:7443");
        }
        return new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** The socket address of {@link #split}. */
    public static InetSocketAddress parse(String address, String key) {
        return split(address, key).socket();
    }
}
