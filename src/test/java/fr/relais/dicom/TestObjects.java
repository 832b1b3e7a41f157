package fr.relais.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test data sets derived from generated files: whole, truncated, or missing a UID. */
public final class TestObjects {

    private TestObjects() {}

    /** The data set of a Part 10 file, without its meta header: what C-STORE carries. */
    public static byte[] dataSet(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int offset = Part10.dataSetOffset(bytes);
        byte[] data = new byte[bytes.length - offset];
        System.arraycopy(bytes, offset, data, 0, data.length);
        return data;
    }

    public static String sopInstanceUid(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString(), TagFromName.PixelData);
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
    }

    /** The same data set claiming another SOP class. */
    public static byte[] withSopClass(Path file, String sopClassUid) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString());
        list.replaceWithValueIfPresent(TagFromName.SOPClassUID, sopClassUid);
        return write(list);
    }

    /** The same data set with the study instance UID removed. */
    public static byte[] withoutStudyUid(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString());
        list.remove(TagFromName.StudyInstanceUID);
        return write(list);
    }

    private static byte[] write(AttributeList list) throws Exception {
        list.removeMetaInformationHeaderAttributes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, false, true);
        return out.toByteArray();
    }

    /**
     * An image data set written element by element in explicit VR little endian, so that its pixel
     * module may say anything, true or not (SamplesPerPixel 0, 300 million frames of 8 bytes).
     * A null attribute is left out. Defaults: one 2 × 2 frame of 16-bit grey CT.
     */
    public static Image image() {
        return new Image();
    }

    public static final class Image {
        private String sopClass = "1.2.840.10008.5.1.4.1.1.2";
        private String sopInstance = "2.25." + Math.abs(new java.util.Random().nextLong());
        private String study = "2.25." + Math.abs(new java.util.Random().nextLong());
        private String series = "2.25." + Math.abs(new java.util.Random().nextLong());
        private String patientId = "IPP-PIXELS";
        private String accession = "";
        private String transferSyntax = Uids.EXPLICIT_VR_LITTLE_ENDIAN;
        private Integer samples = 1, rows = 2, columns = 2, bitsAllocated = 16, bitsStored = 16, highBit = 15,
                planar = null;
        private String photometric = "MONOCHROME2";
        private String frames = null;
        private byte[] pixels = new byte[8];
        private byte[] offsetTable = null;
        private byte[][] fragments = null;

        public Image sopClass(String uid) { sopClass = uid; return this; }
        public Image uids(String study, String series, String instance) {
            this.study = study; this.series = series; this.sopInstance = instance; return this;
        }
        public Image patientId(String id) { patientId = id; return this; }
        public Image accession(String a) { accession = a; return this; }
        public Image samples(Integer v) { samples = v; return this; }
        public Image photometric(String v) { photometric = v; return this; }
        public Image rows(Integer v) { rows = v; return this; }
        public Image columns(Integer v) { columns = v; return this; }
        public Image bits(Integer allocated, Integer stored, Integer high) {
            bitsAllocated = allocated; bitsStored = stored; highBit = high; return this;
        }
        public Image planar(Integer v) { planar = v; return this; }
        public Image frames(String v) { frames = v; return this; }
        /** Native pixel data of this many bytes (0, 1, 2... repeated). */
        public Image pixelBytes(int n) {
            pixels = new byte[n];
            for (int i = 0; i < n; i++) {
                pixels[i] = (byte) i;
            }
            fragments = null;
            return this;
        }
        public Image noPixelData() { pixels = null; fragments = null; return this; }
        /** Encapsulated pixel data in this transfer syntax: a basic offset table item, then the fragments. */
        public Image encapsulated(String syntax, byte[] table, byte[]... fragments) {
            transferSyntax = syntax; offsetTable = table; this.fragments = fragments; pixels = null; return this;
        }

        public String sopInstanceUid() { return sopInstance; }
        public String sopClassUid() { return sopClass; }
        public String studyUid() { return study; }
        public String transferSyntax() { return transferSyntax; }

        /** The data set, as C-STORE carries it. */
        public byte[] dataSet() {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            element(d, 0x0008, 0x0016, "UI", uid(sopClass));
            element(d, 0x0008, 0x0018, "UI", uid(sopInstance));
            element(d, 0x0008, 0x0050, "SH", text(accession));
            element(d, 0x0008, 0x0060, "CS", text("CT"));
            element(d, 0x0010, 0x0010, "PN", text("PIXELS^CRAFTED"));
            element(d, 0x0010, 0x0020, "LO", text(patientId));
            element(d, 0x0020, 0x000D, "UI", uid(study));
            element(d, 0x0020, 0x000E, "UI", uid(series));
            element(d, 0x0020, 0x0013, "IS", text("1"));
            us(d, 0x0002, samples);
            if (photometric != null) {
                element(d, 0x0028, 0x0004, "CS", text(photometric));
            }
            us(d, 0x0006, planar);
            if (frames != null) {
                element(d, 0x0028, 0x0008, "IS", text(frames));
            }
            us(d, 0x0010, rows);
            us(d, 0x0011, columns);
            us(d, 0x0100, bitsAllocated);
            us(d, 0x0101, bitsStored);
            us(d, 0x0102, highBit);
            us(d, 0x0103, 0);
            if (pixels != null) {
                String vr = bitsAllocated != null && bitsAllocated > 8 ? "OW" : "OB";
                d.writeBytes(new byte[]{(byte) 0xE0, 0x7F, 0x10, 0x00, (byte) vr.charAt(0), (byte) vr.charAt(1), 0, 0});
                d.writeBytes(LittleEndian.u32(pixels.length));
                d.writeBytes(pixels);
            } else if (fragments != null) {
                d.writeBytes(new byte[]{(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1});
                item(d, offsetTable == null ? new byte[0] : offsetTable);
                for (byte[] f : fragments) {
                    item(d, f);
                }
                d.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
            }
            return d.toByteArray();
        }

        /** A Part 10 file, as STOW-RS carries it. */
        public byte[] file() {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.writeBytes(Part10.fileMetaHeader(sopClass, sopInstance, transferSyntax, null, null));
            f.writeBytes(dataSet());
            return f.toByteArray();
        }

        public Path write(Path file) throws java.io.IOException {
            return Files.write(file, file());
        }

        private static void us(ByteArrayOutputStream d, int element, Integer value) {
            if (value != null) {
                element(d, 0x0028, element, "US", new byte[]{(byte) (int) value, (byte) (value >>> 8)});
            }
        }

        private static byte[] uid(String uid) {
            return LittleEndian.uid(uid);
        }

        private static byte[] text(String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            return b.length % 2 == 0 ? b : (s + " ").getBytes(StandardCharsets.US_ASCII);
        }

        private static void element(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
            out.writeBytes(new byte[]{(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8),
                    (byte) vr.charAt(0), (byte) vr.charAt(1), (byte) value.length, (byte) (value.length >>> 8)});
            out.writeBytes(value);
        }

        private static void item(ByteArrayOutputStream out, byte[] value) {
            out.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
            out.writeBytes(LittleEndian.u32(value.length));
            out.writeBytes(value);
        }
    }
}
