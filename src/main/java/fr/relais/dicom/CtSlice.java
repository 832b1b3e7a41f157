package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * One CT image in Hounsfield units, for the analyses that read pixels (the AI engines): its
 * geometry and its first frame with the rescale applied. 16-bit grey images, uncompressed or in a
 * compressed syntax the server decodes ({@link PixelDecoder}); pixel data in another syntax is an
 * image not read here ({@link CompressedPixelsException}), and compressed data that does not decode
 * is an unreadable image: an analysis must mistake neither for an object with no image.
 *
 * @param rowSpacing    mm between the centres of two rows (first value of Pixel Spacing)
 * @param columnSpacing mm between the centres of two columns
 * @param z             the slice position along the patient's axis (Image Position z, else Slice Location)
 * @param hu            rows × columns values, row by row, clamped to the range of a short
 */
public record CtSlice(String sopInstanceUid, String seriesInstanceUid, String modality, int rows, int columns,
                      double rowSpacing, double columnSpacing, double sliceThickness, double z, short[] hu) {

    /**
     * The largest slice the engines read: the detector keeps a few bytes per pixel, so that a
     * header may not make it allocate more than this, whatever it claims.
     */
    public static final int MAX_PIXELS = 2048 * 2048;

    /** An image whose pixel data is compressed in a syntax the server does not decode. */
    public static final class CompressedPixelsException extends DicomHeader.InvalidObjectException {
        public CompressedPixelsException(String reason) {
            super(reason);
        }
    }

    /** Reads a stored Part 10 object; an object this class cannot read says why. */
    public static CtSlice read(byte[] part10) throws DicomHeader.InvalidObjectException {
        AttributeList l = DicomWeb.read(part10, true);
        DicomWeb.Frames frames = DicomWeb.frames(part10);
        // The geometry the frames were cut by, proven against the pixel data's length.
        int rows = frames.rows();
        int columns = frames.columns();
        int bits = frames.bitsAllocated();
        int samples = frames.samplesPerPixel();
        boolean signed = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.PixelRepresentation, 0) == 1;
        if (bits != 16 || samples != 1 || rows <= 0 || columns <= 0) {
            throw new DicomHeader.InvalidObjectException("not a 16-bit grey image (bits allocated " + bits
                    + ", samples per pixel " + samples + ")");
        }
        if ((long) rows * columns > MAX_PIXELS) {
            throw new DicomHeader.InvalidObjectException("a slice of " + rows + " x " + columns
                    + " pixels is larger than the engines read");
        }
        double slope = Attribute.getSingleDoubleValueOrDefault(l, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(l, TagFromName.RescaleIntercept, 0.0);
        double[] spacing = Attribute.getDoubleValues(l, TagFromName.PixelSpacing);
        if (spacing == null || spacing.length < 2 || spacing[0] <= 0 || spacing[1] <= 0) {
            throw new DicomHeader.InvalidObjectException("the image has no pixel spacing");
        }
        double thickness = Attribute.getSingleDoubleValueOrDefault(l, TagFromName.SliceThickness, 0.0);
        double[] position = Attribute.getDoubleValues(l, TagFromName.ImagePositionPatient);
        double z = position != null && position.length == 3 ? position[2]
                : Attribute.getSingleDoubleValueOrDefault(l, TagFromName.SliceLocation, Double.NaN);
        byte[] raw;
        try {
            raw = frames.decodedFrame(1);
        } catch (DicomWeb.UndecodableFrameException e) {
            if (e.unsupportedSyntax()) {
                throw new CompressedPixelsException(e.getMessage());
            }
            throw new DicomHeader.InvalidObjectException("compressed pixel data does not decode: " + e.getMessage());
        }
        if (raw.length < 2L * rows * columns) {
            throw new DicomHeader.InvalidObjectException("the frame is shorter than its rows and columns");
        }
        // Explicit VR big endian (retired) is the one stored syntax whose words are not little endian.
        boolean bigEndian = "1.2.840.10008.1.2.2".equals(frames.transferSyntax());
        short[] hu = new short[rows * columns];
        for (int i = 0; i < hu.length; i++) {
            int lo = raw[2 * i] & 0xFF;
            int hi = raw[2 * i + 1] & 0xFF;
            int v = bigEndian ? (lo << 8) | hi : (hi << 8) | lo;
            if (signed) {
                v = (short) v;
            }
            double h = v * slope + intercept;
            hu[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(h)));
        }
        return new CtSlice(Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SOPInstanceUID),
                Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SeriesInstanceUID),
                Attribute.getSingleStringValueOrEmptyString(l, TagFromName.Modality),
                rows, columns, spacing[0], spacing[1], thickness, z, hu);
    }
}
