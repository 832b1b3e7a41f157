package fr.relais.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Multi-frame Grayscale Word Secondary Capture object of any size, written as a stream (its
 * pixels all zero): large objects for memory tests without holding them in memory. The header is
 * {@link TestObjects#image()}'s, with a consistent image pixel module; only Pixel Data is streamed.
 */
public final class MultiFrameFile {

    public static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7.3";

    private MultiFrameFile() {}

    public static Path write(Path file, int frames, int rows, int columns, String studyUid, String sopInstanceUid)
            throws IOException {
        byte[] header = TestObjects.image().sopClass(SOP_CLASS).uids(studyUid, studyUid + ".1", sopInstanceUid)
                .patientId("BIG-1").rows(rows).columns(columns).bits(16, 12, 11).frames(String.valueOf(frames))
                .noPixelData().file();
        long pixels = (long) frames * rows * columns * 2;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(header);
            // 7FE0,0010 OW with its 4-byte length, then the zeros.
            out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0});
            out.write(LittleEndian.u32((int) pixels));
            byte[] zeros = new byte[1 << 20];
            for (long left = pixels; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        }
        return file;
    }
}
