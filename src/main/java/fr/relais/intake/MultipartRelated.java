package fr.relais.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A multipart/related body (RFC 2387), as STOW-RS sends it, split into its parts. */
final class MultipartRelated {

    record Part(Map<String, String> headers, byte[] body) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    static final class MalformedMultipartException extends Exception {
        MalformedMultipartException(String message) {
            super(message);
        }
    }

    private MultipartRelated() {}

    /** The boundary parameter of a Content-Type header, unquoted. */
    static String boundary(String contentType) throws MalformedMultipartException {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length()).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (b.isEmpty() || b.length() > 70) {
                    throw new MalformedMultipartException("the multipart boundary must have 1 to 70 characters");
                }
                return b;
            }
        }
        throw new MalformedMultipartException("Content-Type has no boundary parameter");
    }

    static List<Part> parse(byte[] body, String boundary) throws MalformedMultipartException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new MalformedMultipartException("the body contains no part delimited by the boundary");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            int afterDelimiter = pos + delimiter.length;
            if (startsWith(body, afterDelimiter, "--")) {
                return parts; // close delimiter
            }
            int headersStart = skipLineEnd(body, afterDelimiter);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            if (headersEnd < 0) {
                throw new MalformedMultipartException("part " + (parts.size() + 1) + " has no header end");
            }
            Map<String, String> headers = headers(new String(body, headersStart, headersEnd - headersStart,
                    StandardCharsets.ISO_8859_1));
            int contentStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                throw new MalformedMultipartException("part " + (parts.size() + 1) + " is not closed by the boundary");
            }
            byte[] content = new byte[contentEnd - contentStart];
            System.arraycopy(body, contentStart, content, 0, content.length);
            parts.add(new Part(headers, content));
            pos = contentEnd + 2;
        }
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static int skipLineEnd(byte[] b, int pos) {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t')) {
            pos++;
        }
        if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
            return pos + 2;
        }
        return pos;
    }

    private static boolean startsWith(byte[] b, int pos, String s) {
        return pos + s.length() <= b.length && new String(b, pos, s.length(), StandardCharsets.US_ASCII).equals(s);
    }

    /** Boyer-Moore-Horspool: bodies are hundreds of megabytes, boundaries a few dozen bytes. */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        int n = needle.length;
        if (n == 0) {
            return from;
        }
        int[] shift = new int[256];
        java.util.Arrays.fill(shift, n);
        for (int i = 0; i < n - 1; i++) {
            shift[needle[i] & 0xFF] = n - 1 - i;
        }
        int i = from;
        while (i <= haystack.length - n) {
            int j = n - 1;
            while (j >= 0 && haystack[i + j] == needle[j]) {
                j--;
            }
            if (j < 0) {
                return i;
            }
            i += shift[haystack[i + n - 1] & 0xFF];
        }
        return -1;
    }
}
