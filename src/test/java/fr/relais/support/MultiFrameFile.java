package fr.relais.support;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Multi-frame Grayscale Word Secondary Capture object of any size, written as a stream (its
 * pixels all zero): large objects for memory tests without holding them in memory. Explicit VR
 * little endian, a consistent image pixel module.
 */
public final class MultiFrameFile {

    public static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7.3";
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    private MultiFrameFile() {}

    public static Path write(Path file, int frames, int rows, int columns, String studyUid, String sopInstanceUid)
            throws IOException {
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", uid(SOP_CLASS));
        element(meta, 0x0002, 0x0003, "UI", uid(sopInstanceUid));
        element(meta, 0x0002, 0x0010, "UI", uid(EXPLICIT_LE));
        element(meta, 0x0002, 0x0012, "UI", uid("1.2.826.0.1.3680043.10.1012.99"));
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[128]);
        header.write("DICM".getBytes(StandardCharsets.US_ASCII));
        element(header, 0x0002, 0x0000, "UL", u32(meta.size()));
        meta.writeTo(header);
        element(header, 0x0008, 0x0016, "UI", uid(SOP_CLASS));
        element(header, 0x0008, 0x0018, "UI", uid(sopInstanceUid));
        element(header, 0x0008, 0x0020, "DA", text("20261202"));
        element(header, 0x0008, 0x0050, "SH", text("BIG1"));
        element(header, 0x0008, 0x0060, "CS", text("OT"));
        element(header, 0x0010, 0x0010, "PN", text("SYNTHETIC^BIG"));
        element(header, 0x0010, 0x0020, "LO", text("BIG-1"));
        element(header, 0x0020, 0x000D, "UI", uid(studyUid));
        element(header, 0x0020, 0x000E, "UI", uid(studyUid + ".1"));
        element(header, 0x0020, 0x0013, "IS", text("1"));
        element(header, 0x0028, 0x0002, "US", u16(1));
        element(header, 0x0028, 0x0004, "CS", text("MONOCHROME2"));
        element(header, 0x0028, 0x0008, "IS", text(String.valueOf(frames)));
        element(header, 0x0028, 0x0010, "US", u16(rows));
        element(header, 0x0028, 0x0011, "US", u16(columns));
        element(header, 0x0028, 0x0100, "US", u16(16));
        element(header, 0x0028, 0x0101, "US", u16(12));
        element(header, 0x0028, 0x0102, "US", u16(11));
        element(header, 0x0028, 0x0103, "US", u16(0));
        long pixels = (long) frames * rows * columns * 2;
        // 7FE0,0010 OW with a 4-byte length.
        header.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0});
        header.write(u32((int) pixels));
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            header.writeTo(out);
            byte[] zeros = new byte[1 << 20];
            for (long left = pixels; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        }
        return file;
    }

    private static void element(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
        out.writeBytes(u16(group));
        out.writeBytes(u16(element));
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("OW")) {
            out.writeBytes(new byte[2]);
            out.writeBytes(u32(value.length));
        } else {
            out.writeBytes(u16(value.length));
        }
        out.writeBytes(value);
    }

    private static byte[] uid(String uid) {
        byte[] bytes = uid.getBytes(StandardCharsets.US_ASCII);
        return bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] text(String value) {
        String padded = value.length() % 2 == 0 ? value : value + " ";
        return padded.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
