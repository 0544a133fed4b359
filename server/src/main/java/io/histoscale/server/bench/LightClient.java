package io.histoscale.server.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One kept-alive HTTP/1.1 connection that sends GETs and reads {@code Content-Length} answers, and nothing more: the
 * benchmark's client for both servers, so that the client, which shares the machine's two cores with the server
 * under test, costs as little as a load generator such as wrk would (java.net.http's client took 12–20 % of a core).
 */
final class LightClient implements AutoCloseable {

    /** An answer: status and body. */
    record Answer(int status, byte[] body) {
    }

    private final String host;
    private final int port;
    private final String headers;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    LightClient(URI base, Map<String, String> headers) {
        this.host = base.getHost();
        this.port = base.getPort();
        StringBuilder h = new StringBuilder("Host: ").append(host).append(':').append(port).append("\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        this.headers = h.toString();
    }

    Answer get(String pathAndQuery) throws IOException {
        if (socket == null) connect();
        try {
            return exchange(pathAndQuery);
        } catch (IOException closedByServer) {
            close();
            connect();
            return exchange(pathAndQuery);
        }
    }

    private void connect() throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    private Answer exchange(String pathAndQuery) throws IOException {
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String status = line();
        if (status == null) throw new IOException("connection closed");
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not HTTP: " + status);
        int code = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false, closeAfter = false;
        for (String h; (h = line()) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT), value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                b.write(in.readNBytes(size));
                line();
            }
            line();
            body = b.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length != length) throw new IOException("body cut short");
        } else {
            body = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) close();
        return new Answer(code, body);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                int n = b.length();
                if (n > 0 && b.charAt(n - 1) == '\r') b.setLength(n - 1);
                return b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
        try {
            if (socket != null) socket.close();
        } catch (IOException e) {
            // closing anyway
        } finally {
            socket = null;
        }
    }
}
