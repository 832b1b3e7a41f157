package fr.relais.dicom;

import java.util.Map;
import java.util.Set;

/** The UIDs of the standard that the DICOM door knows, with names for error messages. */
public final class Uids {

    private Uids() {}

    public static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    public static final String VERIFICATION = "1.2.840.10008.1.1";

    /** Modality Worklist Information Model – FIND (PS3.4 K.6.1): what the door answers C-FIND on. */
    public static final String MODALITY_WORKLIST_FIND = "1.2.840.10008.5.1.4.31";
    /** Query/Retrieve FIND classes: proposed to us they get a C-FIND failure with the reason, not silence. */
    static final Set<String> QUERY_RETRIEVE_FIND = Set.of("1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.1.2.2.1",
            "1.2.840.10008.5.1.4.1.2.3.1");
    /** Study Root Query/Retrieve – FIND and – MOVE: what Relais asks a hospital's PACS for priors. */
    public static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    public static final String STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    public static final String IMPLEMENTATION_CLASS_UID = "2.25.259406521001398055910665011023952529570";
    public static final String IMPLEMENTATION_VERSION = "RELAIS_0.1";

    /** Stored as sent: uncompressed little endian and the usual compressed syntaxes. */
    static final Set<String> ACCEPTED_TRANSFER_SYNTAXES = Set.of(
            EXPLICIT_VR_LITTLE_ENDIAN,
            IMPLICIT_VR_LITTLE_ENDIAN,
            "1.2.840.10008.1.2.4.50", // JPEG baseline
            "1.2.840.10008.1.2.4.51", // JPEG extended
            "1.2.840.10008.1.2.4.57", // JPEG lossless
            "1.2.840.10008.1.2.4.70", // JPEG lossless SV1
            "1.2.840.10008.1.2.4.80", // JPEG-LS lossless
            "1.2.840.10008.1.2.4.81", // JPEG-LS near-lossless
            "1.2.840.10008.1.2.4.90", // JPEG 2000 lossless
            "1.2.840.10008.1.2.4.91", // JPEG 2000
            "1.2.840.10008.1.2.5");   // RLE lossless

    /** Native (uncompressed) little endian: the pixel bytes are the same in either. */
    public static boolean isUncompressed(String transferSyntax) {
        return EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax) || IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax);
    }

    /** The media type of one frame in a compressed transfer syntax (PS3.18 Table 8.7.3-2). */
    public static String frameMediaType(String transferSyntax) {
        return switch (transferSyntax) {
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                 "1.2.840.10008.1.2.4.70" -> "image/jpeg";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "image/jls";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "image/jp2";
            case "1.2.840.10008.1.2.5" -> "image/x-dicom-rle";
            default -> "application/octet-stream";
        };
    }

    /** A transfer syntax's name for messages, its UID when we do not know it. */
    public static String transferSyntaxName(String transferSyntax) {
        return switch (transferSyntax) {
            case IMPLICIT_VR_LITTLE_ENDIAN -> "implicit VR little endian";
            case EXPLICIT_VR_LITTLE_ENDIAN -> "explicit VR little endian";
            case "1.2.840.10008.1.2.2" -> "explicit VR big endian";
            case "1.2.840.10008.1.2.4.50" -> "JPEG baseline";
            case "1.2.840.10008.1.2.4.51" -> "JPEG extended";
            case "1.2.840.10008.1.2.4.57" -> "JPEG lossless";
            case "1.2.840.10008.1.2.4.70" -> "JPEG lossless SV1";
            case "1.2.840.10008.1.2.4.80" -> "JPEG-LS lossless";
            case "1.2.840.10008.1.2.4.81" -> "JPEG-LS near-lossless";
            case "1.2.840.10008.1.2.4.90" -> "JPEG 2000 lossless";
            case "1.2.840.10008.1.2.4.91" -> "JPEG 2000";
            case "1.2.840.10008.1.2.5" -> "RLE lossless";
            default -> transferSyntax;
        };
    }

    private static final String STORAGE_PREFIX = "1.2.840.10008.5.1.4.1.1.";

    /** The image and document classes a teleradiology hub receives. */
    private static final Map<String, String> RECEIVED_CLASSES = Map.ofEntries(
            Map.entry("1.2.840.10008.5.1.4.1.1.2", "CT Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.4", "MR Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.4.1", "Enhanced MR Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1", "CR Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1.1", "Digital X-Ray Image (presentation)"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1.1.1", "Digital X-Ray Image (processing)"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1.2", "Digital Mammography Image (presentation)"),
            Map.entry("1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.3.1", "Ultrasound Multi-frame Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.12.1", "X-Ray Angiographic Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.20", "Nuclear Medicine Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.128", "PET Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.1", "Multi-frame Single Bit SC Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.2", "Multi-frame Grayscale Byte SC Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.3", "Multi-frame Grayscale Word SC Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.4", "Multi-frame True Color SC Image"),
            Map.entry("1.2.840.10008.5.1.4.1.1.11.1", "Grayscale Softcopy Presentation State"),
            Map.entry("1.2.840.10008.5.1.4.1.1.104.1", "Encapsulated PDF"),
            Map.entry("1.2.840.10008.5.1.4.1.1.88.11", "Basic Text SR"),
            Map.entry("1.2.840.10008.5.1.4.1.1.88.22", "Enhanced SR"),
            Map.entry("1.2.840.10008.5.1.4.1.1.88.33", "Comprehensive SR"),
            Map.entry("1.2.840.10008.5.1.4.1.1.88.59", "Key Object Selection Document"),
            Map.entry("1.2.840.10008.5.1.4.1.1.88.67", "X-Ray Radiation Dose SR"));

    /** The received classes whose objects are documents or states, without pixels of their own. */
    private static final Set<String> WITHOUT_PIXELS = Set.of(
            "1.2.840.10008.5.1.4.1.1.11.1", "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.88.11",
            "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.88.33", "1.2.840.10008.5.1.4.1.1.88.59",
            "1.2.840.10008.5.1.4.1.1.88.67");

    /** A received image class: its objects must carry Pixel Data. */
    public static boolean isImageClass(String sopClassUid) {
        return RECEIVED_CLASSES.containsKey(sopClassUid) && !WITHOUT_PIXELS.contains(sopClassUid);
    }

    /** Storage classes get a presentation context, so that a refused one gets a status with a reason. */
    static boolean isStorageClass(String uid) {
        return uid.startsWith(STORAGE_PREFIX);
    }

    public static boolean isReceivedClass(String sopClassUid) {
        return RECEIVED_CLASSES.containsKey(sopClassUid);
    }

    public static String className(String sopClassUid) {
        return RECEIVED_CLASSES.getOrDefault(sopClassUid, sopClassUid);
    }

    /** DICOM UID syntax (PS3.5 9.1): digits and dots, no leading zero in a component, 64 chars at most. */
    public static boolean isValidUid(String uid) {
        return uid != null && uid.length() <= 64 && uid.matches("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    }
}
