package fr.relais.dicom;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import com.pixelmed.imageio.JPEGLosslessImageReader;
import com.pixelmed.imageio.JPEGLosslessImageReaderSpi;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Compressed frames decoded to native pixels, as explicit VR little endian would hold them: RLE
 * lossless (PS3.5 G, here), JPEG lossless (PixelMed's codec), JPEG-LS (here, {@link JpegLsDecoder}),
 * JPEG 2000 (jai-imageio's JJ2000 plugin) and 8-bit JPEG baseline (the JDK's reader). All pure Java.
 *
 * <p>Bounded: the output is sized on the DICOM header's rows, columns, samples and bits (at most
 * {@link #MAX_SAMPLES} samples a frame), and each codestream's own frame header must announce that
 * same size before a decoder is started, so that a hostile fragment cannot make one allocate more.
 */
final class PixelDecoder {

    /** The most samples one frame may decode to: 4096 × 4096 grey, about 32 MB of 16-bit pixels. */
    static final long MAX_SAMPLES = 4096L * 4096;

    static final String RLE = "1.2.840.10008.1.2.5";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";

    private PixelDecoder() {}

    /** A transfer syntax whose pixel data is not decoded here (an image no one here can read, not a broken one). */
    static final class UnsupportedSyntaxException extends DicomHeader.InvalidObjectException {
        UnsupportedSyntaxException(String reason) {
            super(reason);
        }
    }

    static boolean decodes(String transferSyntax) {
        return switch (transferSyntax) {
            case RLE, JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1, JPEG_LS_LOSSLESS,
                 JPEG_LS_NEAR_LOSSLESS, JPEG_2000_LOSSLESS, JPEG_2000 -> true;
            default -> false;
        };
    }

    /** The size of a decoded frame, once the geometry is one we decode and within bounds. */
    static int decodedLength(String transferSyntax, DataSetStructure.PixelData g) throws DicomHeader.InvalidObjectException {
        if (!decodes(transferSyntax)) {
            throw new UnsupportedSyntaxException("compressed pixel data (" + transferSyntax + ") is not decoded here");
        }
        if (g.rows() <= 0 || g.columns() <= 0) {
            throw new DicomHeader.InvalidObjectException("the image has no rows or columns");
        }
        if (g.bitsAllocated() != 8 && g.bitsAllocated() != 16 || g.samplesPerPixel() != 1 && g.samplesPerPixel() != 3) {
            throw new UnsupportedSyntaxException("compressed images of " + g.bitsAllocated() + " bits and "
                    + g.samplesPerPixel() + " samples per pixel are not decoded here");
        }
        long samples = (long) g.rows() * g.columns() * g.samplesPerPixel();
        if (samples > MAX_SAMPLES) {
            throw new DicomHeader.InvalidObjectException("a compressed frame of " + g.rows() + " x " + g.columns()
                    + " x " + g.samplesPerPixel() + " samples is larger than the server decodes");
        }
        return (int) (samples * (g.bitsAllocated() / 8));
    }

    /** Frame bytes in the stored syntax → native little endian pixels, samples interleaved. */
    static byte[] decode(String transferSyntax, byte[] frame, DataSetStructure.PixelData g)
            throws DicomHeader.InvalidObjectException {
        int length = decodedLength(transferSyntax, g);
        int bytes = g.bitsAllocated() / 8;
        try {
            return switch (transferSyntax) {
                case RLE -> rle(frame, g, length);
                case JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS -> {
                    if (g.samplesPerPixel() != 1) {
                        throw new UnsupportedSyntaxException("JPEG-LS colour images are not decoded here");
                    }
                    yield pack(JpegLsDecoder.decode(frame, g.rows(), g.columns()), bytes, length);
                }
                case JPEG_LOSSLESS, JPEG_LOSSLESS_SV1 -> {
                    checkJpegFrame(frame, g, true);
                    yield raster(new JPEGLosslessImageReader(new JPEGLosslessImageReaderSpi()), frame, g, length);
                }
                case JPEG_BASELINE, JPEG_EXTENDED -> {
                    checkJpegFrame(frame, g, false);
                    yield raster(jdkJpeg(), frame, g, length);
                }
                default -> {
                    checkJ2kSize(frame, g);
                    yield raster(new J2KImageReader(new J2KImageReaderSpi()), frame, g, length);
                }
            };
        } catch (JpegLsDecoder.JpegLsException e) {
            throw new DicomHeader.InvalidObjectException(e.getMessage());
        } catch (DicomHeader.InvalidObjectException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Third-party decoders fail on broken streams with whatever they throw: one reason for all.
            throw new DicomHeader.InvalidObjectException("compressed pixel data cannot be decoded ("
                    + Uids.transferSyntaxName(transferSyntax) + ")");
        }
    }

    private static byte[] pack(int[] samples, int bytes, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < samples.length; i++) {
            if (bytes == 1) {
                out[i] = (byte) samples[i];
            } else {
                out[2 * i] = (byte) samples[i];
                out[2 * i + 1] = (byte) (samples[i] >> 8);
            }
        }
        return out;
    }

    private static ImageReader jdkJpeg() throws UnsupportedSyntaxException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith("com.sun.imageio")) {
                return r;
            }
        }
        throw new UnsupportedSyntaxException("this Java has no JPEG reader");
    }

    /** A decoder's raster, sample by sample, in the header's geometry: what it decoded must be that size. */
    private static byte[] raster(ImageReader reader, byte[] frame, DataSetStructure.PixelData g, int length)
            throws IOException, DicomHeader.InvalidObjectException {
        Raster r;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(frame))) {
            reader.setInput(in, true, true);
            r = reader.canReadRaster() ? reader.readRaster(0, null) : reader.read(0).getRaster();
        } finally {
            reader.dispose();
        }
        int samples = g.samplesPerPixel();
        if (r.getWidth() != g.columns() || r.getHeight() != g.rows() || r.getNumBands() != samples) {
            throw new DicomHeader.InvalidObjectException("the compressed frame holds " + r.getWidth() + " x "
                    + r.getHeight() + " x " + r.getNumBands() + " samples, not the image's " + g.columns() + " x "
                    + g.rows() + " x " + samples);
        }
        int bytes = g.bitsAllocated() / 8;
        byte[] out = new byte[length];
        int[] row = new int[g.columns() * samples];
        int at = 0;
        for (int y = 0; y < g.rows(); y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, g.columns(), 1, row);
            for (int v : row) {
                out[at++] = (byte) v;
                if (bytes == 2) {
                    out[at++] = (byte) (v >> 8);
                }
            }
        }
        return out;
    }

    /** The JPEG frame header (SOFn) must be of the expected process and announce the image's size. */
    private static void checkJpegFrame(byte[] f, DataSetStructure.PixelData g, boolean lossless)
            throws DicomHeader.InvalidObjectException {
        int p = 2;
        if (f.length < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xFF) != 0xD8) {
            throw new DicomHeader.InvalidObjectException("the compressed frame is not a JPEG stream");
        }
        while (p + 4 <= f.length) {
            if ((f[p] & 0xFF) != 0xFF) {
                break;
            }
            int marker = f[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++;
                continue;
            }
            int length = u16(f, p + 2);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (p + 10 > f.length) {
                    break;
                }
                int precision = f[p + 4] & 0xFF;
                int height = u16(f, p + 5);
                int width = u16(f, p + 7);
                int components = f[p + 9] & 0xFF;
                boolean isLossless = marker == 0xC3;
                if (lossless != isLossless || !lossless && (marker > 0xC1 || precision != 8)) {
                    throw new UnsupportedSyntaxException("JPEG process SOF" + (marker - 0xC0) + " of " + precision
                            + " bits is not decoded here");
                }
                if (height != g.rows() || width != g.columns() || components != g.samplesPerPixel()) {
                    throw new DicomHeader.InvalidObjectException("the JPEG frame of " + width + " x " + height + " x "
                            + components + " does not match the image's " + g.columns() + " x " + g.rows() + " x "
                            + g.samplesPerPixel());
                }
                return;
            }
            p += 2 + length;
        }
        throw new DicomHeader.InvalidObjectException("the JPEG stream has no frame header");
    }

    /** The JPEG 2000 image size (SIZ, right after SOC, or in the jp2c box of a JP2 file) must be the image's. */
    private static void checkJ2kSize(byte[] f, DataSetStructure.PixelData g) throws DicomHeader.InvalidObjectException {
        int p = -1;
        for (int k = 0; k + 4 <= Math.min(f.length, 4096); k++) {
            if ((f[k] & 0xFF) == 0xFF && (f[k + 1] & 0xFF) == 0x4F && (f[k + 2] & 0xFF) == 0xFF
                    && (f[k + 3] & 0xFF) == 0x51) {
                p = k + 4;
                break;
            }
        }
        if (p < 0 || p + 38 > f.length) {
            throw new DicomHeader.InvalidObjectException("the compressed frame is not a JPEG 2000 codestream");
        }
        long width = u32(f, p + 4) - u32(f, p + 12);
        long height = u32(f, p + 8) - u32(f, p + 16);
        int components = u16(f, p + 36);
        if (width != g.columns() || height != g.rows() || components != g.samplesPerPixel()) {
            throw new DicomHeader.InvalidObjectException("the JPEG 2000 image of " + width + " x " + height + " x "
                    + components + " does not match the image's " + g.columns() + " x " + g.rows() + " x "
                    + g.samplesPerPixel());
        }
    }

    /**
     * RLE lossless (PS3.5 G): a 64-byte header of segment offsets, then one PackBits segment per
     * byte of each sample, most significant byte first, sample after sample.
     */
    private static byte[] rle(byte[] f, DataSetStructure.PixelData g, int length) throws DicomHeader.InvalidObjectException {
        int samples = g.samplesPerPixel();
        int bytes = g.bitsAllocated() / 8;
        int pixels = g.rows() * g.columns();
        if (f.length < 64) {
            throw new DicomHeader.InvalidObjectException("the RLE frame has no header");
        }
        long segments = LittleEndian.u32(f, 0);
        if (segments != (long) samples * bytes) {
            throw new DicomHeader.InvalidObjectException("the RLE frame has " + segments + " segments, not the "
                    + samples * bytes + " of its samples");
        }
        byte[] out = new byte[length];
        for (int s = 0; s < segments; s++) {
            long start = LittleEndian.u32(f, 4 + 4 * s);
            long end = s + 1 < segments ? LittleEndian.u32(f, 8 + 4 * s) : f.length;
            if (start < 64 || end > f.length || start > end) {
                throw new DicomHeader.InvalidObjectException("the RLE frame's segment " + (s + 1) + " lies outside it");
            }
            int sample = s / bytes;
            int byteInSample = bytes - 1 - s % bytes; // segments go most significant byte first
            int stride = samples * bytes;
            int target = sample * bytes + byteInSample;
            int written = 0;
            int p = (int) start;
            while (written < pixels && p < end) {
                int control = f[p++];
                if (control >= 0) {
                    int count = control + 1;
                    if (p + count > end || written + count > pixels) {
                        throw new DicomHeader.InvalidObjectException("the RLE frame's segment " + (s + 1) + " overruns");
                    }
                    for (int k = 0; k < count; k++) {
                        out[target + stride * written++] = f[p++];
                    }
                } else if (control != -128) {
                    int count = 1 - control;
                    if (p >= end || written + count > pixels) {
                        throw new DicomHeader.InvalidObjectException("the RLE frame's segment " + (s + 1) + " overruns");
                    }
                    byte v = f[p++];
                    for (int k = 0; k < count; k++) {
                        out[target + stride * written++] = v;
                    }
                }
            }
            if (written != pixels) {
                throw new DicomHeader.InvalidObjectException("the RLE frame's segment " + (s + 1) + " holds "
                        + written + " of its " + pixels + " bytes");
            }
        }
        return out;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
