package fr.relais.dicom;

/**
 * A JPEG-LS decoder (ITU-T T.87 / ISO 14495-1, lossless and near-lossless) for one grey frame: no
 * pure-Java JPEG-LS codec is published where our builds resolve, and PixelMed reads JPEG-LS only
 * through a native plugin. The image size comes from the caller (the DICOM header, already bounded),
 * and the frame header must agree with it before anything is allocated, so that a hostile stream
 * cannot size the output. One component, any interleave (with one component they coincide), no
 * mapping tables, no restart markers: what DICOM senders write for CT (DCMTK, CharLS).
 */
final class JpegLsDecoder {

    private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9,
            10, 11, 12, 13, 14, 15};

    /** Thrown for a stream this decoder does not read or that is broken; the message says which. */
    static final class JpegLsException extends Exception {
        JpegLsException(String message) {
            super(message);
        }
    }

    private final byte[] in;
    private int pos;

    // frame and scan parameters
    private int precision, height, width, components;
    private int maxVal = -1, t1, t2, t3, reset = 64, near;
    private int range, qbpp, limit;

    // regular contexts
    private final int[] a = new int[365], b = new int[365], c = new int[365], n = new int[365];
    // run interruption contexts (RItype 0 and 1)
    private final int[] ra = new int[2], rn = new int[2], rnn = new int[2];
    private int runIndex;

    // bit reader
    private long bits;
    private int bitCount;
    private boolean lastWasFF;

    private JpegLsDecoder(byte[] in) {
        this.in = in;
    }

    /**
     * The samples of a JPEG-LS frame of {@code rows} × {@code columns}, row by row, as unsigned values
     * of at most 16 bits.
     */
    static int[] decode(byte[] stream, int rows, int columns) throws JpegLsException {
        JpegLsDecoder d = new JpegLsDecoder(stream);
        try {
            return d.run(rows, columns);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new JpegLsException("JPEG-LS stream ends inside its data");
        }
    }

    private int[] run(int rows, int columns) throws JpegLsException {
        if (u8() != 0xFF || u8() != 0xD8) {
            throw new JpegLsException("JPEG-LS stream does not start with SOI");
        }
        boolean frame = false;
        while (true) {
            int marker = nextMarker();
            switch (marker) {
                case 0xF7 -> { // SOF55
                    int length = u16();
                    precision = u8();
                    height = u16();
                    width = u16();
                    components = u8();
                    pos += length - 8;
                    if (components != 1) {
                        throw new JpegLsException("JPEG-LS with " + components + " components is not decoded here");
                    }
                    if (precision < 2 || precision > 16) {
                        throw new JpegLsException("JPEG-LS sample precision " + precision + " is not 2 to 16");
                    }
                    if (height != rows || width != columns) {
                        throw new JpegLsException("JPEG-LS frame of " + width + " x " + height
                                + " does not match the image's " + columns + " x " + rows);
                    }
                    frame = true;
                }
                case 0xF8 -> presets();
                case 0xDD -> { // DRI
                    int length = u16();
                    int interval = u16();
                    pos += length - 4;
                    if (interval != 0) {
                        throw new JpegLsException("JPEG-LS restart intervals are not decoded here");
                    }
                }
                case 0xDA -> {
                    if (!frame) {
                        throw new JpegLsException("JPEG-LS scan before its frame header");
                    }
                    int length = u16();
                    int ns = u8();
                    pos += 2 * ns;
                    near = u8();
                    u8(); // interleave mode: one component, any mode is the same
                    int transform = u8();
                    pos += length - 6 - 2 * ns;
                    if (transform != 0) {
                        throw new JpegLsException("JPEG-LS point transform is not decoded here");
                    }
                    return scan();
                }
                case 0xD9 -> throw new JpegLsException("JPEG-LS stream has no scan");
                default -> {
                    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                        throw new JpegLsException("not a JPEG-LS stream (a JPEG frame header SOF"
                                + (marker - 0xC0) + ")");
                    }
                    pos += u16() - 2; // APPn, COM and the like
                }
            }
        }
    }

    private int nextMarker() throws JpegLsException {
        int b0 = u8();
        if (b0 != 0xFF) {
            throw new JpegLsException("JPEG-LS marker expected");
        }
        int m = u8();
        while (m == 0xFF) {
            m = u8();
        }
        return m;
    }

    /** LSE: preset coding parameters (type 1); mapping tables are refused. */
    private void presets() throws JpegLsException {
        int length = u16();
        int id = u8();
        if (id != 1) {
            throw new JpegLsException("JPEG-LS mapping tables (LSE " + id + ") are not decoded here");
        }
        maxVal = u16();
        t1 = u16();
        t2 = u16();
        t3 = u16();
        reset = u16();
        pos += length - 13;
    }

    private int[] scan() throws JpegLsException {
        int defaultMax = (1 << precision) - 1;
        if (maxVal <= 0) {
            maxVal = defaultMax;
        }
        if (near < 0 || near > Math.min(255, maxVal / 2)) {
            throw new JpegLsException("JPEG-LS NEAR " + near + " is out of range");
        }
        defaultThresholds();
        if (reset < 3) {
            reset = 64;
        }
        range = (maxVal + 2 * near) / (2 * near + 1) + 1;
        qbpp = ceilLog2(range);
        int bpp = Math.max(2, ceilLog2(maxVal + 1));
        limit = 2 * (bpp + Math.max(8, bpp));
        int initA = Math.max(2, (range + 32) / 64);
        java.util.Arrays.fill(a, initA);
        java.util.Arrays.fill(n, 1);
        ra[0] = ra[1] = initA;
        rn[0] = rn[1] = 1;

        int[] out = new int[width * height];
        int[] prev = new int[width + 2];
        int[] curr = new int[width + 2];
        for (int row = 0; row < height; row++) {
            prev[width + 1] = prev[width];
            curr[0] = prev[1];
            line(prev, curr);
            System.arraycopy(curr, 1, out, row * width, width);
            int[] t = prev;
            prev = curr;
            curr = t;
        }
        return out;
    }

    private void defaultThresholds() {
        int basicT1 = 3, basicT2 = 7, basicT3 = 21;
        int d1, d2, d3;
        if (maxVal >= 128) {
            int factor = (Math.min(maxVal, 4095) + 128) / 256;
            d1 = clamp(factor * (basicT1 - 2) + 2 + 3 * near, near + 1);
            d2 = clamp(factor * (basicT2 - 3) + 3 + 5 * near, d1);
            d3 = clamp(factor * (basicT3 - 4) + 4 + 7 * near, d2);
        } else {
            int factor = 256 / (maxVal + 1);
            d1 = clamp(Math.max(2, basicT1 / factor + 3 * near), near + 1);
            d2 = clamp(Math.max(3, basicT2 / factor + 5 * near), d1);
            d3 = clamp(Math.max(4, basicT3 / factor + 7 * near), d2);
        }
        t1 = t1 == 0 ? d1 : t1;
        t2 = t2 == 0 ? d2 : t2;
        t3 = t3 == 0 ? d3 : t3;
    }

    private int clamp(int i, int j) {
        return i > maxVal || i < j ? j : i;
    }

    private static int ceilLog2(int v) {
        int k = 0;
        while ((1L << k) < v) {
            k++;
        }
        return k;
    }

    private void line(int[] prev, int[] curr) throws JpegLsException {
        int x = 1;
        while (x <= width) {
            int rA = curr[x - 1], rB = prev[x], rC = prev[x - 1], rD = prev[x + 1];
            int q1 = quantize(rD - rB), q2 = quantize(rB - rC), q3 = quantize(rC - rA);
            if (q1 == 0 && q2 == 0 && q3 == 0) {
                x = runMode(prev, curr, x);
            } else {
                curr[x] = regular(q1, q2, q3, rA, rB, rC);
                x++;
            }
        }
    }

    private int quantize(int d) {
        if (d <= -t3) return -4;
        if (d <= -t2) return -3;
        if (d <= -t1) return -2;
        if (d < -near) return -1;
        if (d <= near) return 0;
        if (d < t1) return 1;
        if (d < t2) return 2;
        if (d < t3) return 3;
        return 4;
    }

    private int regular(int q1, int q2, int q3, int rA, int rB, int rC) throws JpegLsException {
        int sign = 1;
        if (q1 < 0 || q1 == 0 && (q2 < 0 || q2 == 0 && q3 < 0)) {
            sign = -1;
            q1 = -q1;
            q2 = -q2;
            q3 = -q3;
        }
        int q = 81 * q1 + 9 * q2 + q3;
        int px = rC >= Math.max(rA, rB) ? Math.min(rA, rB) : rC <= Math.min(rA, rB) ? Math.max(rA, rB) : rA + rB - rC;
        px += sign * c[q];
        px = Math.max(0, Math.min(maxVal, px));
        int k = 0;
        while ((n[q] << k) < a[q]) {
            k++;
        }
        int mapped = value(k, limit);
        int err = (mapped & 1) == 0 ? mapped >> 1 : -((mapped + 1) >> 1);
        if (near == 0 && k == 0 && 2 * b[q] <= -n[q]) {
            err = -err - 1; // the special mapping of A.5.2, undone
        }
        update(q, err);
        return reconstruct(px, sign * err);
    }

    private void update(int q, int err) {
        b[q] += err * (2 * near + 1);
        a[q] += Math.abs(err);
        if (n[q] == reset) {
            a[q] >>= 1;
            b[q] >>= 1;
            n[q] >>= 1;
        }
        n[q]++;
        if (b[q] <= -n[q]) {
            b[q] += n[q];
            if (c[q] > -128) c[q]--;
            if (b[q] <= -n[q]) b[q] = -n[q] + 1;
        } else if (b[q] > 0) {
            b[q] -= n[q];
            if (c[q] < 127) c[q]++;
            if (b[q] > 0) b[q] = 0;
        }
    }

    private int reconstruct(int px, int err) {
        int v = px + err * (2 * near + 1);
        if (v < -near) {
            v += range * (2 * near + 1);
        } else if (v > maxVal + near) {
            v -= range * (2 * near + 1);
        }
        return Math.max(0, Math.min(maxVal, v));
    }

    /** Run mode from column x: the run, then the interruption sample unless the line ended. */
    private int runMode(int[] prev, int[] curr, int x) throws JpegLsException {
        int rA = curr[x - 1];
        int remaining = width - x + 1;
        int count = 0;
        while (bit() == 1) {
            int run = Math.min(1 << J[runIndex], remaining - count);
            count += run;
            if (run == 1 << J[runIndex]) {
                runIndex = Math.min(31, runIndex + 1);
            }
            if (count == remaining) {
                break;
            }
        }
        if (count != remaining) {
            count += J[runIndex] > 0 ? read(J[runIndex]) : 0;
        }
        if (count > remaining) {
            throw new JpegLsException("JPEG-LS run goes past the end of its line");
        }
        for (int k = 0; k < count; k++) {
            curr[x + k] = rA;
        }
        x += count;
        if (x > width) {
            return x;
        }
        int rB = prev[x];
        int type = Math.abs(rA - rB) <= near ? 1 : 0;
        int temp = ra[type] + (rn[type] >> 1) * type;
        int k = 0;
        while ((rn[type] << k) < temp) {
            k++;
        }
        int em = value(k, limit - J[runIndex] - 1);
        int t = em + type;
        int map = t & 1;
        int abs = (t + map) / 2;
        boolean negative = (k != 0 || 2 * rnn[type] >= rn[type]) == (map == 1);
        int err = negative ? -abs : abs;
        if (err < 0) {
            rnn[type]++;
        }
        ra[type] += (em + 1 - type) >> 1;
        if (rn[type] == reset) {
            ra[type] >>= 1;
            rn[type] >>= 1;
            rnn[type] >>= 1;
        }
        rn[type]++;
        curr[x] = type == 1 ? reconstruct(rA, err) : reconstruct(rB, rB > rA ? err : -err);
        runIndex = Math.max(0, runIndex - 1);
        return x + 1;
    }

    /** A limited-length Golomb code (A.5.3). */
    private int value(int k, int lim) throws JpegLsException {
        int high = 0;
        while (bit() == 0) {
            high++;
            if (high > 65535) {
                throw new JpegLsException("JPEG-LS code is longer than any value");
            }
        }
        if (high >= lim - qbpp - 1) {
            return read(qbpp) + 1;
        }
        return k == 0 ? high : (high << k) + read(k);
    }

    private int read(int count) throws JpegLsException {
        int v = 0;
        for (int i = 0; i < count; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    private int bit() throws JpegLsException {
        if (bitCount == 0) {
            fill();
        }
        bitCount--;
        return (int) (bits >>> bitCount) & 1;
    }

    /** One more byte of entropy-coded data: after 0xFF only seven bits are data (the stuffed bit). */
    private void fill() throws JpegLsException {
        if (pos >= in.length) {
            throw new JpegLsException("JPEG-LS stream ends inside its data");
        }
        int v = in[pos] & 0xFF;
        if (lastWasFF) {
            if (v >= 0x80) {
                throw new JpegLsException("JPEG-LS data ends before the image is complete");
            }
            pos++;
            bits = (bits << 7) | v;
            bitCount = 7;
        } else {
            pos++;
            bits = (bits << 8) | v;
            bitCount = 8;
        }
        lastWasFF = v == 0xFF;
    }

    private int u8() {
        return in[pos++] & 0xFF;
    }

    private int u16() {
        int v = (in[pos] & 0xFF) << 8 | in[pos + 1] & 0xFF;
        pos += 2;
        return v;
    }
}
