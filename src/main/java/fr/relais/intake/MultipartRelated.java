package fr.relais.intake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A multipart/related body (RFC 2387, RFC 2046 5.1), as STOW-RS sends it, read part by part from a
 * stream: the boundary is scanned for in a buffer of fixed size, so a body of any length never
 * needs more memory than its largest part (and only that part's bytes when the caller keeps them).
 */
final class MultipartRelated {

    /** The most a part's header block may take: a DICOM part has one or two short headers. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** A part's headers (names in lower case) and where its body ended. */
    record PartHeaders(Map<String, String> headers) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    /** How a part's body ended. */
    enum BodyEnd {
        /** Closed by the next delimiter: the part is whole. */
        DELIMITED,
        /** The stream ended before the part's closing delimiter: the part is truncated. */
        END_OF_STREAM
    }

    static final class MalformedMultipartException extends Exception {
        MalformedMultipartException(String message) {
            super(message);
        }
    }

    /** Where a part's body goes: its bytes, in order. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private final InputStream in;
    /** CRLF "--" boundary: every delimiter, the first too once the stream is read as if a CRLF preceded it. */
    private final byte[] delimiter;
    private final int[] shift = new int[256];
    private final byte[] buf;
    private int pos, limit;
    private boolean eof;
    private boolean closed;
    private int parts;
    private long consumed;

    MultipartRelated(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.buf = new byte[Math.max(BUFFER_BYTES, MAX_HEADER_BYTES + 2 * delimiter.length)];
        // The body is read as if preceded by CRLF, so that a delimiter on its first line is found too.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
        Arrays.fill(shift, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            shift[delimiter[i] & 0xFF] = delimiter.length - 1 - i;
        }
    }

    /** The boundary parameter of a Content-Type header, unquoted. */
    static String boundary(String contentType) throws MalformedMultipartException {
        String found = null;
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                if (found != null) {
                    throw new MalformedMultipartException("Content-Type has more than one boundary parameter");
                }
                String b = p.substring("boundary=".length()).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                // RFC 2046 5.1.1: 1 to 70 characters of a restricted set, not ending with a space.
                if (b.isEmpty() || b.length() > 70 || !b.matches("[0-9A-Za-z'()+_,\\-./:=? ]*[0-9A-Za-z'()+_,\\-./:=?]")) {
                    throw new MalformedMultipartException(
                            "the multipart boundary must have 1 to 70 characters among letters, digits and '()+_,-./:=? ");
                }
                found = b;
            }
        }
        if (found == null) {
            throw new MalformedMultipartException("Content-Type has no boundary parameter");
        }
        return found;
    }

    /**
     * Moves to the next part and reads its headers; false after the close delimiter. The preamble
     * before the first delimiter is skipped, as RFC 2046 asks.
     */
    PartHeaders nextPart() throws IOException, MalformedMultipartException {
        if (closed) {
            return null;
        }
        if (parts == 0) {
            // Skip the preamble (bounded: a body that never names its boundary is not a multipart body).
            if (skipToDelimiter(MAX_HEADER_BYTES) != BodyEnd.DELIMITED) {
                throw new MalformedMultipartException("the body contains no part delimited by the boundary");
            }
        }
        if (!ensure(2)) {
            throw new MalformedMultipartException("the body ends right after a boundary, without the close delimiter");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            closed = true;
            return null; // the epilogue, if any, is ignored
        }
        // Transport padding, then CRLF.
        int padding = 0;
        while (ensure(1) && (buf[pos] == ' ' || buf[pos] == '\t') && padding < 256) {
            pos++;
            padding++;
        }
        if (!ensure(2) || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedMultipartException("part " + (parts + 1)
                    + ": the boundary is followed by neither a line end nor \"--\" (is the boundary also in the data?)");
        }
        pos += 2;
        parts++;
        return new PartHeaders(readHeaders());
    }

    /** How many parts have been started. */
    int parts() {
        return parts;
    }

    /** How many bytes of the body have been read so far. */
    long consumed() {
        return consumed;
    }

    /** Copies the current part's body into sink, up to the next delimiter. */
    BodyEnd readBody(Sink sink) throws IOException {
        while (true) {
            int found = find();
            if (found >= 0) {
                sink.write(buf, pos, found - pos);
                pos = found + delimiter.length;
                return BodyEnd.DELIMITED;
            }
            // Keep the last delimiter-length-minus-one bytes: a delimiter may straddle the next read.
            int safe = Math.max(pos, limit - (delimiter.length - 1));
            if (eof) {
                sink.write(buf, pos, limit - pos);
                pos = limit;
                return BodyEnd.END_OF_STREAM;
            }
            sink.write(buf, pos, safe - pos);
            pos = safe;
            fill();
        }
    }

    /** Thrown by the preamble's sink to stop reading a body that never names its boundary. */
    private static final class PreambleTooLong extends IOException {}

    private BodyEnd skipToDelimiter(long maxBytes) throws IOException {
        long[] skipped = {0};
        try {
            return readBody((b, off, len) -> {
                skipped[0] += len;
                if (skipped[0] > maxBytes) {
                    throw new PreambleTooLong();
                }
            });
        } catch (PreambleTooLong e) {
            return BodyEnd.END_OF_STREAM;
        }
    }

    private Map<String, String> readHeaders() throws IOException, MalformedMultipartException {
        Map<String, String> headers = new LinkedHashMap<>();
        int start = pos;
        int bytes = 0;
        while (true) {
            int lineEnd = findLineEnd();
            if (lineEnd < 0) {
                if (eof && limit - pos < MAX_HEADER_BYTES) {
                    throw new MalformedMultipartException("part " + parts + " has no header end");
                }
                throw new MalformedMultipartException("part " + parts + "'s headers exceed "
                        + (MAX_HEADER_BYTES / 1024) + " KiB");
            }
            bytes += lineEnd + 2 - pos;
            if (bytes > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("part " + parts + "'s headers exceed "
                        + (MAX_HEADER_BYTES / 1024) + " KiB");
            }
            String line = new String(buf, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            pos = lineEnd + 2;
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("part " + parts + " has a header line without a name");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    /** The index of the next CRLF from pos, reading more as needed within one header block; -1 if none. */
    private int findLineEnd() throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i + 1 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    return i;
                }
            }
            if (eof || limit - pos >= MAX_HEADER_BYTES) {
                return -1;
            }
            int before = limit - pos;
            fill();
            from = pos + Math.max(0, before - 1);
        }
    }

    /** The delimiter's index in buf[pos..limit), or -1 (Boyer-Moore-Horspool). */
    private int find() throws IOException {
        int n = delimiter.length;
        if (limit - pos < n && !eof) {
            fill();
        }
        int i = pos;
        while (i <= limit - n) {
            int j = n - 1;
            while (j >= 0 && buf[i + j] == delimiter[j]) {
                j--;
            }
            if (j < 0) {
                return i;
            }
            i += shift[buf[i + n - 1] & 0xFF];
        }
        return -1;
    }

    /** True when at least n bytes are available from pos. */
    private boolean ensure(int n) throws IOException {
        while (limit - pos < n && !eof) {
            fill();
        }
        return limit - pos >= n;
    }

    /** Moves what is left to the front of the buffer and reads more; sets eof at the end of the stream. */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            return; // full: the caller consumes before asking again
        }
        int read = in.read(buf, limit, buf.length - limit);
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
            consumed += read;
        }
    }
}
