package fr.relais.dicom;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of an object, in memory or read on demand from a channel (a large stored object,
 * decrypted by range): the element walk, the frames and the header parser read through it, so
 * that a 1 GiB multi-frame object is never one array. Reads past {@link #length} are the
 * caller's error; a channel that fails mid-read raises {@link UncheckedIOException}.
 */
public final class Bytes implements Closeable {

    private static final int WINDOW = 64 << 10;

    private final SeekableByteChannel channel; // null: all of it is in window
    private final long length;
    private byte[] window;
    private long windowStart;
    private int windowLength;

    private Bytes(SeekableByteChannel channel, byte[] window, long length) {
        this.channel = channel;
        this.window = window;
        this.windowLength = channel == null ? (int) length : 0;
        this.length = length;
    }

    public static Bytes of(byte[] bytes) {
        return new Bytes(null, bytes, bytes.length);
    }

    /** The first length bytes of an array. */
    public static Bytes of(byte[] bytes, int length) {
        return new Bytes(null, bytes, length);
    }

    /** A channel read by windows; closing these bytes closes it. */
    public static Bytes of(SeekableByteChannel channel) throws IOException {
        return new Bytes(channel, new byte[WINDOW], channel.size());
    }

    public long length() {
        return length;
    }

    /** The array when all of it is in memory (index = position), else null. */
    public byte[] array() {
        return channel == null ? window : null;
    }

    int u8(long at) {
        return window[load(at, 1)] & 0xFF;
    }

    int u16(long at) {
        return LittleEndian.u16(window, load(at, 2));
    }

    long u32(long at) {
        return LittleEndian.u32(window, load(at, 4));
    }

    String ascii(long at, int n) {
        return new String(window, load(at, n), n, StandardCharsets.US_ASCII);
    }

    /** n bytes at position at, copied. */
    public byte[] copy(long at, int n) {
        byte[] out = new byte[n];
        if (channel == null) {
            System.arraycopy(window, (int) at, out, 0, n);
        } else {
            readFully(at, ByteBuffer.wrap(out));
        }
        return out;
    }

    /** Writes n bytes from position at; an array is written without a copy. */
    public void transferTo(long at, long n, OutputStream out) throws IOException {
        if (channel == null) {
            out.write(window, (int) at, (int) n);
            return;
        }
        byte[] buffer = new byte[(int) Math.min(n, WINDOW)];
        while (n > 0) {
            int k = (int) Math.min(n, buffer.length);
            readFully(at, ByteBuffer.wrap(buffer, 0, k));
            out.write(buffer, 0, k);
            at += k;
            n -= k;
        }
    }

    /**
     * The bytes from position from to to, as a stream that supports mark and reset, as the header
     * parser needs (it reads only up to the pixel data).
     */
    public InputStream inputStream(long from, long to) {
        if (channel == null) {
            return new java.io.ByteArrayInputStream(window, (int) from, (int) (to - from));
        }
        return new java.io.BufferedInputStream(new InputStream() {
            private long at = from;

            @Override
            public int read() {
                return at < to ? u8(at++) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= to) {
                    return -1;
                }
                int n = (int) Math.min(len, to - at);
                int start = load(at, Math.min(n, WINDOW));
                n = Math.min(n, windowLength - start);
                System.arraycopy(window, start, b, off, n);
                at += n;
                return n;
            }

            @Override
            public long skip(long n) {
                long k = Math.max(0, Math.min(n, to - at));
                at += k;
                return k;
            }
        });
    }

    /** Where position at is in the window, once n bytes from it are there. */
    private int load(long at, int n) {
        if (at >= windowStart && at + n <= windowStart + windowLength) {
            return (int) (at - windowStart);
        }
        if (channel == null || at < 0 || at + n > length) {
            throw new IndexOutOfBoundsException("byte " + at + " + " + n + " of " + length);
        }
        if (window.length < n) {
            window = new byte[n];
        }
        int k = (int) Math.min(window.length, length - at);
        readFully(at, ByteBuffer.wrap(window, 0, k));
        windowStart = at;
        windowLength = k;
        return 0;
    }

    private void readFully(long at, ByteBuffer into) {
        try {
            channel.position(at);
            while (into.hasRemaining()) {
                if (channel.read(into) < 0) {
                    throw new IOException("object ends at " + channel.position() + " of " + length + " bytes");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
