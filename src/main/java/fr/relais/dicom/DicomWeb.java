package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What DICOMweb reads of a stored Part 10 object: its header as DICOM JSON (PS3.18 F.2) without
 * bulk data, and its uncompressed frames.
 */
public final class DicomWeb {

    private DicomWeb() {}

    /** The uncompressed pixel data of an object and how it cuts into frames. */
    public record Frames(int count, int frameBytes, byte[] pixelData) {
        /** Frame n, 1-based, in the stored byte order. */
        public byte[] frame(int n) {
            if (n < 1 || n > count) {
                throw new IndexOutOfBoundsException("frame " + n + " of " + count);
            }
            byte[] out = new byte[frameBytes];
            System.arraycopy(pixelData, (n - 1) * frameBytes, out, 0, frameBytes);
            return out;
        }
    }

    /** The data set (file meta group excluded) as a DICOM JSON object, stopping at the pixel data. */
    public static Map<String, Object> metadata(byte[] part10) throws DicomHeader.InvalidObjectException {
        AttributeList list = read(part10, true);
        list.removeMetaInformationHeaderAttributes();
        return json(list);
    }

    /**
     * The frames of an object stored uncompressed in little endian (explicit or implicit VR); an
     * {@link UnsupportedOperationException} for a compressed transfer syntax.
     */
    public static Frames frames(byte[] part10) throws DicomHeader.InvalidObjectException {
        String syntax = Part10.transferSyntax(part10);
        if (!syntax.equals(Uids.EXPLICIT_VR_LITTLE_ENDIAN) && !syntax.equals(Uids.IMPLICIT_VR_LITTLE_ENDIAN)) {
            throw new UnsupportedOperationException("frames of transfer syntax " + syntax + " are not served yet");
        }
        AttributeList list = read(part10, false);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        int count = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        Attribute pixels = list.get(TagFromName.PixelData);
        if (pixels == null || rows <= 0 || columns <= 0 || bits < 8 || bits % 8 != 0) {
            throw new DicomHeader.InvalidObjectException("object holds no frame we can cut");
        }
        byte[] data;
        try {
            if (pixels instanceof OtherWordAttribute) {
                short[] words = pixels.getShortValues();
                data = new byte[words.length * 2];
                for (int i = 0; i < words.length; i++) {
                    data[2 * i] = (byte) words[i];
                    data[2 * i + 1] = (byte) (words[i] >>> 8);
                }
            } else if (pixels instanceof OtherByteAttribute) {
                data = pixels.getByteValues();
            } else {
                throw new DicomHeader.InvalidObjectException("pixel data of an unexpected kind");
            }
        } catch (DicomException e) {
            throw new DicomHeader.InvalidObjectException("pixel data cannot be read");
        }
        long frameBytes = (long) rows * columns * samples * (bits / 8);
        if (count < 1 || frameBytes * count > data.length) {
            throw new DicomHeader.InvalidObjectException("pixel data shorter than its frames");
        }
        return new Frames(count, (int) frameBytes, data);
    }

    /** A linear VOI window (PS3.3 C.11.2.1.2), in the modality's values (Hounsfield units for CT). */
    public record Window(double center, double width) {
        public Window {
            if (!(width >= 1) || Double.isNaN(center) || Double.isInfinite(center)) {
                throw new IllegalArgumentException("a window needs a finite center and a width of at least 1");
            }
        }
    }

    /**
     * Frame n (1-based) as an 8-bit grey image: stored values → modality values (rescale) → the
     * window given, else the object's first window, else its whole range; MONOCHROME1 inverted.
     */
    public static BufferedImage render(byte[] part10, int n, Window window) throws DicomHeader.InvalidObjectException {
        Frames frames = frames(part10);
        AttributeList list = read(part10, true);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        if (samples != 1 || (bits != 8 && bits != 16)) {
            throw new UnsupportedOperationException("only grey images of 8 or 16 bits are rendered");
        }
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
        boolean inverted = "MONOCHROME1".equals(Attribute.getSingleStringValueOrEmptyString(list,
                TagFromName.PhotometricInterpretation).trim());
        byte[] frame = frames.frame(n);
        double[] values = new double[rows * columns];
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < values.length; i++) {
            int stored = bits == 8 ? frame[i] & 0xFF
                    : signed ? (short) LittleEndian.u16(frame, 2 * i) : LittleEndian.u16(frame, 2 * i);
            values[i] = stored * slope + intercept;
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        Window w = window;
        if (w == null) {
            double[] centers = Attribute.getDoubleValues(list, TagFromName.WindowCenter);
            double[] widths = Attribute.getDoubleValues(list, TagFromName.WindowWidth);
            w = centers != null && widths != null && centers.length > 0 && widths.length > 0 && widths[0] >= 1
                    ? new Window(centers[0], widths[0])
                    : new Window((min + max) / 2, Math.max(1, max - min));
        }
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        double low = w.center() - 0.5 - (w.width() - 1) / 2;
        double high = w.center() - 0.5 + (w.width() - 1) / 2;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            int grey = x <= low ? 0 : x > high ? 255
                    : (int) Math.round(((x - (w.center() - 0.5)) / (w.width() - 1) + 0.5) * 255);
            out[i] = (byte) (inverted ? 255 - grey : grey);
        }
        return image;
    }

    private static AttributeList read(byte[] part10, boolean stopAtPixels) throws DicomHeader.InvalidObjectException {
        AttributeList list = new AttributeList();
        try {
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10));
            if (!in.haveMetaHeader()) {
                throw new DicomHeader.InvalidObjectException("not a DICOM Part 10 file");
            }
            if (stopAtPixels) {
                list.read(in, TagFromName.PixelData);
            } else {
                list.read(in);
            }
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomHeader.InvalidObjectException("DICOM file cannot be parsed");
        }
        return list;
    }

    private static Map<String, Object> json(AttributeList list) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object o : list.values()) {
            Attribute a = (Attribute) o;
            AttributeTag tag = a.getTag();
            if (tag.getElement() == 0 || tag.equals(TagFromName.PixelData)) {
                continue; // group lengths are not carried in DICOM JSON
            }
            String vr = ValueRepresentation.getAsString(a.getVR());
            Map<String, Object> attribute = new LinkedHashMap<>();
            attribute.put("vr", vr);
            List<Object> values = values(a, vr);
            if (values == null) {
                continue; // bulk data: not in the metadata
            }
            if (!values.isEmpty()) {
                attribute.put("Value", values);
            }
            out.put(String.format("%04X%04X", tag.getGroup(), tag.getElement()), attribute);
        }
        return out;
    }

    private static List<Object> values(Attribute a, String vr) {
        List<Object> values = new ArrayList<>();
        try {
            switch (vr) {
                case "SQ" -> {
                    SequenceAttribute sq = (SequenceAttribute) a;
                    for (int i = 0; i < sq.getNumberOfItems(); i++) {
                        values.add(json(sq.getItem(i).getAttributeList()));
                    }
                }
                case "OB", "OW", "OF", "OD", "OL", "OV", "UN" -> {
                    return null;
                }
                case "PN" -> {
                    for (String s : strings(a)) {
                        values.add(s == null || s.isEmpty() ? null : Map.of("Alphabetic", s));
                    }
                }
                case "IS" -> {
                    for (String s : strings(a)) {
                        values.add(number(s, true));
                    }
                }
                case "DS" -> {
                    for (String s : strings(a)) {
                        values.add(number(s, false));
                    }
                }
                case "US", "SS", "UL", "SL", "UV", "SV" -> {
                    for (long v : a.getLongValues()) {
                        values.add(v);
                    }
                }
                case "FL", "FD" -> {
                    for (double v : a.getDoubleValues()) {
                        values.add(Double.isFinite(v) ? v : null);
                    }
                }
                default -> {
                    for (String s : strings(a)) {
                        values.add(s == null || s.isEmpty() ? null : s);
                    }
                }
            }
        } catch (DicomException | RuntimeException e) {
            return List.of();
        }
        return values;
    }

    private static String[] strings(Attribute a) throws DicomException {
        String[] s = a.getStringValues();
        if (s == null) {
            return new String[0];
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = s[i] == null ? null : s[i].trim();
        }
        return s;
    }

    private static Object number(String s, boolean integer) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return integer ? (Object) Long.valueOf(s) : new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
