package fr.relais.support;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 from a chosen loopback address (127.0.0.2, 127.0.0.3, ...): on Linux the whole of
 * 127/8 is this machine, so one test plays clients at several places, as throttling by source needs.
 * The JDK's HttpClient cannot choose its local address on Java 17.
 */
public final class FromAddress {

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String localAddress;
    private final int port;
    private final SSLContext tls;

    private FromAddress(String localAddress, int port, SSLContext tls) {
        this.localAddress = localAddress;
        this.port = port;
        this.tls = tls;
    }

    public static FromAddress http(String localAddress, int port) {
        return new FromAddress(localAddress, port, null);
    }

    public static FromAddress https(String localAddress, int port, SSLContext tls) {
        return new FromAddress(localAddress, port, tls);
    }

    public Response get(String path, Map<String, String> headers) {
        return send("GET", path, headers, null);
    }

    /** Any request; a body is sent with its length (give its Content-Type in headers). */
    public Response send(String method, String path, Map<String, String> headers, String body) {
        InetAddress local;
        try {
            local = InetAddress.getByName(localAddress);
            try (Socket socket = tls == null ? new Socket(InetAddress.getLoopbackAddress(), port, local, 0)
                    : tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port, local, 0)) {
                socket.setSoTimeout(30_000);
                byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost:" + port
                        + "\r\nConnection: close\r\nAccept: application/json\r\n");
                headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                if (body != null) {
                    request.append("Content-Length: ").append(content.length).append("\r\n");
                }
                request.append("\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
                out.write(content);
                out.flush();
                return parse(socket.getInputStream().readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP response: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOfCrlf(chunked, at);
            String sizeLine = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

}
