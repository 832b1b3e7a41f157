package fr.relais.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static fr.relais.dicom.LittleEndian.uid;

/** The file meta information (PS3.10 7.1) put in front of a received data set to make a file. */
public final class Part10 {

    private Part10() {}

    /**
     * The meta header for a data set. privateInformation, when not null, goes to (0002,0102) under
     * our implementation UID: the store keeps there what it needs to rebuild its index.
     */
    public static byte[] fileMetaHeader(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                                        String sourceAeTitle, byte[] privateInformation) {
        ByteArrayOutputStream elements = new ByteArrayOutputStream(256);
        element(elements, 0x0001, "OB", new byte[]{0, 1});
        element(elements, 0x0002, "UI", uid(sopClassUid));
        element(elements, 0x0003, "UI", uid(sopInstanceUid));
        element(elements, 0x0010, "UI", uid(transferSyntaxUid));
        element(elements, 0x0012, "UI", uid(Uids.IMPLEMENTATION_CLASS_UID));
        element(elements, 0x0013, "SH", text(Uids.IMPLEMENTATION_VERSION));
        if (sourceAeTitle != null && !sourceAeTitle.isEmpty()) {
            element(elements, 0x0016, "AE", text(sourceAeTitle));
        }
        if (privateInformation != null) {
            element(elements, 0x0100, "UI", uid(Uids.IMPLEMENTATION_CLASS_UID));
            byte[] even = privateInformation.length % 2 == 0 ? privateInformation
                    : java.util.Arrays.copyOf(privateInformation, privateInformation.length + 1);
            element(elements, 0x0102, "OB", even);
        }
        byte[] body = elements.toByteArray();

        ByteArrayOutputStream file = new ByteArrayOutputStream(132 + 12 + body.length);
        file.writeBytes(new byte[128]);
        file.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        byte[] length = {(byte) body.length, (byte) (body.length >>> 8), (byte) (body.length >>> 16), (byte) (body.length >>> 24)};
        element(file, 0x0000, "UL", length);
        file.writeBytes(body);
        return file.toByteArray();
    }

    /**
     * The file meta information of a Part 10 object in memory or read by range: its first bytes,
     * up to where its data set starts (or all of a shorter object), for the methods here.
     */
    public static byte[] head(Bytes file) {
        byte[] start = file.copy(0, (int) Math.min(file.length(), 144));
        long end = file.length();
        try {
            end = Math.min(end, dataSetOffset(start));
        } catch (IllegalArgumentException e) {
            return start; // not Part 10: the methods here say so
        }
        return end <= start.length ? start : file.copy(0, (int) Math.min(end, 1 << 20));
    }

    /** Where the data set starts in a Part 10 file written by {@link #fileMetaHeader}, or any other. */
    public static int dataSetOffset(byte[] file) {
        if (file.length < 144 || file[128] != 'D' || file[129] != 'I' || file[130] != 'C' || file[131] != 'M') {
            throw new IllegalArgumentException("not a DICOM Part 10 file");
        }
        int groupLength = (file[140] & 0xFF) | (file[141] & 0xFF) << 8 | (file[142] & 0xFF) << 16 | (file[143] & 0xFF) << 24;
        return 144 + groupLength;
    }

    /**
     * The data set of a stored Part 10 file in the transfer syntax a peer accepted: as stored when
     * it is the same, re-encoded between the two uncompressed little endian syntaxes otherwise.
     */
    public static byte[] dataSetIn(byte[] file, String transferSyntaxUid) throws IOException {
        String stored;
        try {
            stored = transferSyntax(file);
        } catch (DicomHeader.InvalidObjectException e) {
            throw new IOException(e.getMessage());
        }
        if (stored.equals(transferSyntaxUid)) {
            return java.util.Arrays.copyOfRange(file, dataSetOffset(file), file.length);
        }
        if (!Uids.isUncompressed(stored) || !Uids.isUncompressed(transferSyntaxUid)) {
            throw new IOException("object stored in " + stored + " cannot be sent in " + transferSyntaxUid);
        }
        try {
            com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
            list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(file)));
            list.removeGroupLengthAttributes();
            list.removeMetaInformationHeaderAttributes();
            ByteArrayOutputStream out = new ByteArrayOutputStream(file.length);
            list.write(out, transferSyntaxUid, false, false);
            return out.toByteArray();
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IOException("object cannot be re-encoded: " + e.getMessage(), e);
        }
    }

    /** The transfer syntax a Part 10 file's meta header declares. */
    public static String transferSyntax(byte[] file) throws DicomHeader.InvalidObjectException {
        byte[] value = metaElement(file, 0x0010);
        if (value == null) {
            throw new DicomHeader.InvalidObjectException("file meta header declares no transfer syntax");
        }
        return Pdu.trimUid(new String(value, StandardCharsets.US_ASCII));
    }

    /** The Media Storage SOP Class UID (0002,0002) a Part 10 file's meta header declares. */
    public static String sopClass(byte[] file) throws DicomHeader.InvalidObjectException {
        return requiredUid(file, 0x0002, "SOP class");
    }

    /** The Media Storage SOP Instance UID (0002,0003) a Part 10 file's meta header declares. */
    public static String sopInstance(byte[] file) throws DicomHeader.InvalidObjectException {
        return requiredUid(file, 0x0003, "SOP instance");
    }

    private static String requiredUid(byte[] file, int element, String what) throws DicomHeader.InvalidObjectException {
        byte[] value = metaElement(file, element);
        String uid = value == null ? "" : Pdu.trimUid(new String(value, StandardCharsets.US_ASCII));
        if (!Uids.isValidUid(uid)) {
            throw new DicomHeader.InvalidObjectException("file meta header declares no valid media storage " + what + " UID");
        }
        return uid;
    }

    /** The Private Information (0002,0102) we put in the meta header, or null. */
    public static byte[] privateInformation(byte[] file) throws DicomHeader.InvalidObjectException {
        byte[] creator = metaElement(file, 0x0100);
        if (creator == null || !Pdu.trimUid(new String(creator, StandardCharsets.US_ASCII)).equals(Uids.IMPLEMENTATION_CLASS_UID)) {
            return null;
        }
        return metaElement(file, 0x0102);
    }

    private static byte[] metaElement(byte[] file, int wanted) throws DicomHeader.InvalidObjectException {
        int end;
        try {
            end = Math.min(dataSetOffset(file), file.length);
        } catch (IllegalArgumentException e) {
            throw new DicomHeader.InvalidObjectException("not a DICOM Part 10 file");
        }
        int pos = 132;
        while (pos + 8 <= end) {
            int element = (file[pos + 2] & 0xFF) | (file[pos + 3] & 0xFF) << 8;
            String vr = new String(file, pos + 4, 2, StandardCharsets.US_ASCII);
            long length;
            int header;
            if (vr.equals("OB") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT")) {
                if (pos + 12 > end) {
                    break;
                }
                length = Integer.toUnsignedLong((file[pos + 8] & 0xFF) | (file[pos + 9] & 0xFF) << 8
                        | (file[pos + 10] & 0xFF) << 16 | (file[pos + 11] & 0xFF) << 24);
                header = 12;
            } else {
                length = (file[pos + 6] & 0xFF) | (file[pos + 7] & 0xFF) << 8;
                header = 8;
            }
            if (pos + header + length > end) {
                break;
            }
            if (element == wanted) {
                return java.util.Arrays.copyOfRange(file, pos + header, pos + header + (int) length);
            }
            pos += header + (int) length;
        }
        return null;
    }

    private static void element(ByteArrayOutputStream out, int element, String vr, byte[] value) {
        out.write(0x02);
        out.write(0x00);
        out.write(element);
        out.write(element >>> 8);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            out.write(0);
            out.write(0);
            out.writeBytes(new byte[]{(byte) value.length, (byte) (value.length >>> 8), (byte) (value.length >>> 16), (byte) (value.length >>> 24)});
        } else {
            out.write(value.length);
            out.write(value.length >>> 8);
        }
        out.writeBytes(value);
    }

    private static byte[] text(String s) {
        return (s.length() % 2 == 1 ? s + " " : s).getBytes(StandardCharsets.US_ASCII);
    }
}
