package fr.relais.dicom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What DICOMweb reads of a stored Part 10 object: its header as DICOM JSON (PS3.18 F.2) without
 * bulk data, its frames as stored, and its frames as pixels (compressed ones decoded by
 * {@link PixelDecoder}).
 */
public final class DicomWeb {

    private DicomWeb() {}

    /**
     * A frame that cannot be had as pixels: its transfer syntax is not one the server decodes
     * ({@link #unsupportedSyntax}), or its compressed data is broken or does not match its header.
     */
    public static final class UndecodableFrameException extends DicomHeader.InvalidObjectException {
        private final boolean unsupportedSyntax;

        UndecodableFrameException(String reason, boolean unsupportedSyntax) {
            super(reason);
            this.unsupportedSyntax = unsupportedSyntax;
        }

        public boolean unsupportedSyntax() {
            return unsupportedSyntax;
        }
    }

    /** Whether frames stored in this transfer syntax can be had as explicit VR little endian pixels. */
    public static boolean decodes(String transferSyntax) {
        return Uids.isUncompressed(transferSyntax) || PixelDecoder.decodes(transferSyntax);
    }

    /**
     * The frames of a stored object, in its stored transfer syntax: slices of the pixel data when
     * uncompressed, the fragments of each frame joined when encapsulated. Nothing is copied until a
     * frame is asked for, and nothing is sized on the header alone: an uncompressed frame is
     * computed from its number, encapsulated frames are at most as many as the fragments received.
     */
    public static final class Frames {
        private final String transferSyntax;
        private final Bytes bytes;
        private final DataSetStructure.PixelData geometry;
        private final long frameBytes; // uncompressed: each frame's length
        private final long[][] ranges; // encapsulated, per frame: start, end, start, end... in bytes

        private Frames(String transferSyntax, Bytes bytes, DataSetStructure.PixelData geometry, long frameBytes,
                       long[][] ranges) {
            this.transferSyntax = transferSyntax;
            this.bytes = bytes;
            this.geometry = geometry;
            this.frameBytes = frameBytes;
            this.ranges = ranges;
        }

        public String transferSyntax() {
            return transferSyntax;
        }

        public boolean encapsulated() {
            return ranges != null;
        }

        public int count() {
            return ranges != null ? ranges.length : geometry.frameCount();
        }

        public int rows() {
            return geometry.rows();
        }

        public int columns() {
            return geometry.columns();
        }

        public int bitsAllocated() {
            return geometry.bitsAllocated();
        }

        public int samplesPerPixel() {
            return geometry.samplesPerPixel();
        }

        /** The length of frame n, 1-based, in bytes. */
        public long frameLength(int n) {
            long[] r = range(n);
            long size = 0;
            for (int k = 0; k < r.length; k += 2) {
                size += r[k + 1] - r[k];
            }
            return size;
        }

        /** Writes frame n, 1-based, without copying it when the object is in memory. */
        public void writeFrame(int n, java.io.OutputStream out) throws IOException {
            long[] r = range(n);
            for (int k = 0; k < r.length; k += 2) {
                bytes.transferTo(r[k], r[k + 1] - r[k], out);
            }
        }

        private long[] range(int n) {
            if (n < 1 || n > count()) {
                throw new IndexOutOfBoundsException("frame " + n + " of " + count());
            }
            if (ranges != null) {
                return ranges[n - 1];
            }
            long start = geometry.start() + (n - 1) * frameBytes;
            return new long[]{start, start + frameBytes};
        }

        /** The length of each frame as native little endian pixels, once it is proven decodable within bounds. */
        public long decodedFrameLength() throws UndecodableFrameException {
            if (ranges == null) {
                return frameBytes;
            }
            try {
                return PixelDecoder.decodedLength(transferSyntax, geometry);
            } catch (DicomHeader.InvalidObjectException e) {
                throw new UndecodableFrameException(e.getMessage(), e instanceof PixelDecoder.UnsupportedSyntaxException);
            }
        }

        /**
         * Frame n, 1-based, as native little endian pixels (samples interleaved): the stored bytes
         * when uncompressed, decoded when compressed.
         */
        public byte[] decodedFrame(int n) throws UndecodableFrameException {
            if (ranges == null) {
                return frame(n);
            }
            decodedFrameLength(); // bounds first, then the fragments are copied
            try {
                return PixelDecoder.decode(transferSyntax, frame(n), geometry);
            } catch (DicomHeader.InvalidObjectException e) {
                throw new UndecodableFrameException(e.getMessage(), e instanceof PixelDecoder.UnsupportedSyntaxException);
            }
        }

        /** The bytes of frame n, 1-based. */
        public byte[] frame(int n) {
            long[] r = range(n);
            long length = frameLength(n);
            if (length > Integer.MAX_VALUE - 16) {
                throw new IndexOutOfBoundsException("frame " + n + " has " + length + " bytes, too many for one array");
            }
            byte[] out = new byte[(int) length];
            int at = 0;
            for (int k = 0; k < r.length; k += 2) {
                int part = (int) (r[k + 1] - r[k]);
                System.arraycopy(bytes.copy(r[k], part), 0, out, at, part);
                at += part;
            }
            return out;
        }
    }

    /**
     * Attributes that identify the patient beyond the id the hospital gave him. The index keeps
     * the name and birth date sealed; none of these is kept in the metadata it stores.
     */
    public static final Set<String> IDENTIFYING_TAGS = Set.of(
            "00100010", // patient's name
            "00100030", // birth date
            "00100032", // birth time
            "00101000", // other patient IDs
            "00101001", // other patient names
            "00101005", // birth name
            "00101040", // address
            "00101060", // mother's birth name
            "00102154"); // telephone numbers

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The DICOM JSON object the index keeps for an instance: the data set without its file meta
     * group, bulk data or {@link #IDENTIFYING_TAGS}, serialized once at intake.
     */
    static String indexedMetadata(AttributeList list) {
        Map<String, Object> json = json(list);
        json.keySet().removeIf(tag -> tag.startsWith("0002") || IDENTIFYING_TAGS.contains(tag));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("DICOM JSON of plain maps and lists always serializes", e);
        }
    }

    /** {@link #indexedMetadata(AttributeList)} of a stored Part 10 object: for rows indexed before it existed. */
    public static String indexedMetadata(Bytes part10) throws DicomHeader.InvalidObjectException {
        return indexedMetadata(read(part10, true));
    }

    public static String indexedMetadata(byte[] part10) throws DicomHeader.InvalidObjectException {
        return indexedMetadata(Bytes.of(part10));
    }

    /** The frames of a stored Part 10 object, found by walking its elements (no value is decoded). */
    public static Frames frames(byte[] part10) throws DicomHeader.InvalidObjectException {
        return frames(Bytes.of(part10));
    }

    /** The frames of a stored Part 10 object in memory or read by range: its pixel data is read only for a frame. */
    public static Frames frames(Bytes part10) throws DicomHeader.InvalidObjectException {
        byte[] meta = Part10.head(part10);
        String syntax = Part10.transferSyntax(meta);
        int offset = Part10.dataSetOffset(meta);
        DataSetStructure.PixelData pixels = DataSetStructure.image(part10, offset, part10.length(), syntax);
        return pixels.encapsulated() ? new Frames(syntax, part10, pixels, 0, fragments(part10, pixels))
                : new Frames(syntax, part10, pixels, frameBytes(pixels), null);
    }

    /** The length of each uncompressed frame, once the pixel data is proven to hold them all. */
    private static long frameBytes(DataSetStructure.PixelData p) throws DicomHeader.InvalidObjectException {
        if (p.rows() <= 0 || p.columns() <= 0 || p.samplesPerPixel() < 1 || p.samplesPerPixel() > 4
                || p.bitsAllocated() < 8 || p.bitsAllocated() > 64 || p.bitsAllocated() % 8 != 0 || p.frameCount() < 1) {
            throw new DicomHeader.InvalidObjectException("pixel data does not hold the frames its header announces");
        }
        long frameBytes = (long) p.rows() * p.columns() * p.samplesPerPixel() * (p.bitsAllocated() / 8);
        // A division, not a product: frames × bytes may not fit in a long.
        if (p.frameCount() > (p.end() - p.start()) / frameBytes) {
            throw new DicomHeader.InvalidObjectException("pixel data does not hold the frames its header announces");
        }
        return frameBytes;
    }

    /**
     * Encapsulated pixel data (PS3.5 A.4): a basic offset table item, then fragments. A frame is the
     * fragments between two offsets of the table; without a table, one fragment per frame, or all
     * of them for a single frame.
     */
    private static long[][] fragments(Bytes b, DataSetStructure.PixelData p) throws DicomHeader.InvalidObjectException {
        List<long[]> items = new ArrayList<>(); // start, end of each item's value
        long pos = p.start();
        while (pos + 8 <= p.end() && b.u16(pos + 2) == 0xE000) {
            long length = b.u32(pos + 4);
            if (pos + 8 + length > p.end()) {
                throw new DicomHeader.InvalidObjectException("encapsulated pixel data holds an item that is not a fragment");
            }
            items.add(new long[]{pos + 8, pos + 8 + length});
            pos += 8 + length;
        }
        if (items.isEmpty()) {
            throw new DicomHeader.InvalidObjectException("encapsulated pixel data has no offset table");
        }
        long[] table = items.remove(0);
        int frames = Math.max(1, p.frameCount());
        if (items.isEmpty()) {
            throw new DicomHeader.InvalidObjectException("encapsulated pixel data has no fragment");
        }
        // Each frame starts a fragment of its own: the count received, not the header's, bounds the table.
        if (frames > items.size()) {
            throw new DicomHeader.InvalidObjectException("encapsulated pixel data has " + items.size()
                    + " fragments for " + frames + " frames");
        }
        long[][] ranges = new long[frames][];
        if (frames == 1) {
            ranges[0] = join(items, 0, items.size());
        } else if (table[1] - table[0] == 4 * frames) {
            long firstItem = items.get(0)[0] - 8;
            int k = 0;
            for (int f = 0; f < frames; f++) {
                long from = firstItem + b.u32(table[0] + 4 * f);
                long to = f + 1 < frames ? firstItem + b.u32(table[0] + 4 * (f + 1)) : Long.MAX_VALUE;
                int first = k;
                while (k < items.size() && items.get(k)[0] - 8 < to) {
                    if (items.get(k)[0] - 8 < from) {
                        throw new DicomHeader.InvalidObjectException("offset table does not match the fragments");
                    }
                    k++;
                }
                if (k == first) {
                    throw new DicomHeader.InvalidObjectException("offset table points to no fragment for frame " + (f + 1));
                }
                ranges[f] = join(items, first, k);
            }
        } else if (items.size() == frames) {
            for (int f = 0; f < frames; f++) {
                ranges[f] = items.get(f).clone();
            }
        } else {
            throw new DicomHeader.InvalidObjectException("fragments cannot be told apart into frames without an offset table");
        }
        return ranges;
    }

    private static long[] join(List<long[]> items, int from, int to) {
        long[] r = new long[2 * (to - from)];
        for (int k = from; k < to; k++) {
            r[2 * (k - from)] = items.get(k)[0];
            r[2 * (k - from) + 1] = items.get(k)[1];
        }
        return r;
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
        return render(Bytes.of(part10), n, window);
    }

    /** {@link #render(byte[], int, Window)} of an object in memory or read by range. */
    public static BufferedImage render(Bytes part10, int n, Window window) throws DicomHeader.InvalidObjectException {
        Frames frames = frames(part10);
        // The geometry the frames were cut by: what the pixel data was proven to hold (uncompressed),
        // or what the decoder checked each codestream against (compressed).
        int rows = frames.rows();
        int columns = frames.columns();
        int bits = frames.bitsAllocated();
        if (frames.samplesPerPixel() != 1 || (bits != 8 && bits != 16)) {
            throw new UnsupportedOperationException("only grey images of 8 or 16 bits are rendered");
        }
        if (n < 1 || n > frames.count()) {
            throw new IndexOutOfBoundsException("frame " + n + " of " + frames.count());
        }
        byte[] b = frames.decodedFrame(n);
        int start = 0;
        AttributeList list = read(part10, true);
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
        boolean inverted = "MONOCHROME1".equals(Attribute.getSingleStringValueOrEmptyString(list,
                TagFromName.PhotometricInterpretation).trim());
        int pixels = rows * columns; // at most the frame's length, which fits in the object
        Window w = window;
        if (w == null) {
            double[] centers = Attribute.getDoubleValues(list, TagFromName.WindowCenter);
            double[] widths = Attribute.getDoubleValues(list, TagFromName.WindowWidth);
            if (centers != null && widths != null && centers.length > 0 && widths.length > 0 && widths[0] >= 1) {
                w = new Window(centers[0], widths[0]);
            } else {
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (int i = 0; i < pixels; i++) {
                    double x = stored(b, start, i, bits, signed) * slope + intercept;
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                w = new Window((min + max) / 2, Math.max(1, max - min));
            }
        }
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        double low = w.center() - 0.5 - (w.width() - 1) / 2;
        double high = w.center() - 0.5 + (w.width() - 1) / 2;
        for (int i = 0; i < pixels; i++) {
            double x = stored(b, start, i, bits, signed) * slope + intercept;
            int grey = x <= low ? 0 : x > high ? 255
                    : (int) Math.round(((x - (w.center() - 0.5)) / (w.width() - 1) + 0.5) * 255);
            out[i] = (byte) (inverted ? 255 - grey : grey);
        }
        return image;
    }

    private static int stored(byte[] b, int start, int i, int bits, boolean signed) {
        return bits == 8 ? b[start + i] & 0xFF
                : signed ? (short) LittleEndian.u16(b, start + 2 * i) : LittleEndian.u16(b, start + 2 * i);
    }

    static AttributeList read(byte[] part10, boolean stopAtPixels) throws DicomHeader.InvalidObjectException {
        return read(Bytes.of(part10), stopAtPixels);
    }

    static AttributeList read(Bytes part10, boolean stopAtPixels) throws DicomHeader.InvalidObjectException {
        // Every length proven to fit first: the parser must not size a value on a length the bytes do not back.
        byte[] meta = Part10.head(part10);
        int offset;
        try {
            offset = Part10.dataSetOffset(meta);
        } catch (IllegalArgumentException e) {
            throw new DicomHeader.InvalidObjectException("not a DICOM Part 10 file");
        }
        if (offset < 144 || offset > part10.length()) {
            throw new DicomHeader.InvalidObjectException("DICOM file is truncated inside its meta header");
        }
        DataSetStructure.verify(part10, offset, part10.length(), Part10.transferSyntax(meta));
        AttributeList list = new AttributeList();
        try {
            DicomInputStream in = new DicomInputStream(part10.inputStream(0, part10.length()));
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
