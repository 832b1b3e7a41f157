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
        return write(file, frames, frames, rows, columns, "BIG-1", studyUid, sopInstanceUid, false);
    }

    /**
     * With NumberOfFrames declaring declaredFrames (a lie when it differs from frames), and, when
     * patterned, every byte of frame k (1-based) equal to {@link #fill}(k) instead of zero.
     */
    public static Path write(Path file, int frames, int declaredFrames, int rows, int columns, String patientId,
                             String studyUid, String sopInstanceUid, boolean patterned) throws IOException {
        byte[] header = TestObjects.image().sopClass(SOP_CLASS).uids(studyUid, studyUid + ".1", sopInstanceUid)
                .patientId(patientId).rows(rows).columns(columns).bits(16, 12, 11).frames(String.valueOf(declaredFrames))
                .noPixelData().file();
        int frameBytes = rows * columns * 2;
        long pixels = (long) frames * frameBytes;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(header);
            // 7FE0,0010 OW with its 4-byte length, then the frames.
            out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0});
            out.write(LittleEndian.u32((int) pixels));
            byte[] frame = new byte[frameBytes];
            for (int k = 1; k <= frames; k++) {
                if (patterned) {
                    java.util.Arrays.fill(frame, fill(k));
                }
                out.write(frame);
            }
        }
        return file;
    }

    /** The byte every pixel of frame k holds in a patterned object. */
    public static byte fill(int k) {
        return (byte) (k % 251 + 1);
    }
}
