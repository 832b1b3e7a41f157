package fr.relais.dicom;

import java.nio.charset.StandardCharsets;

/** The little endian encodings of DICOM data sets and command sets, in one place. */
final class LittleEndian {

    private LittleEndian() {}

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16
                | (b[at + 3] & 0xFF) << 24);
    }

    static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static byte[] u32(int v) {
        byte[] b = new byte[4];
        putU32(b, 0, v);
        return b;
    }

    /** An unsigned short value (VR US). */
    static byte[] us(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8)};
    }

    /** A UID value, padded to even length with a NUL as PS3.5 asks. */
    static byte[] uid(String uid) {
        byte[] ascii = uid.getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[(ascii.length + 1) & ~1];
        System.arraycopy(ascii, 0, padded, 0, ascii.length);
        return padded;
    }

    /** A big-endian 32-bit length, as the upper layer writes its PDV items. */
    static long u32be(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }
}
