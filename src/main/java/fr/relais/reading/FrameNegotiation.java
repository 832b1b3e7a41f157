package fr.relais.reading;

import fr.relais.dicom.Uids;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The transfer syntax frames are answered in (PS3.18 8.7.3): the stored one when the client takes
 * it (or any, with {@code transfer-syntax=*}: compressed frames then come as octets labelled with
 * their syntax, as the Cornerstone loader asks), explicit VR little endian for uncompressed frames
 * by default. Uncompressed little endian frames are the same bytes in either VR. A compressed frame
 * asked for as octets without a syntax, or in uncompressed little endian, is decoded on the server
 * ({@link Answer#transcoded}) when its syntax is one the server decodes; it is never re-encoded in
 * another compressed syntax.
 */
final class FrameNegotiation {

    private FrameNegotiation() {}

    /** The media type of each part and the transfer syntax to name in it. */
    record Answer(String mediaType, String transferSyntax, boolean transcoded) {
        Answer(String mediaType, String transferSyntax) {
            this(mediaType, transferSyntax, false);
        }

        String partContentType() {
            return mediaType + "; transfer-syntax=" + transferSyntax;
        }
    }

    /** The answer to the first media range of the Accept header we can satisfy, if any. */
    static Optional<Answer> choose(String accept, String stored) {
        return choose(accept, stored, false);
    }

    /** The same, when the server can decode the stored syntax ({@code decodable}) into explicit VR little endian. */
    static Optional<Answer> choose(String accept, String stored, boolean decodable) {
        Answer decoded = new Answer("application/octet-stream", Uids.EXPLICIT_VR_LITTLE_ENDIAN, true);
        boolean uncompressed = Uids.isUncompressed(stored);
        String storedType = uncompressed ? "application/octet-stream" : Uids.frameMediaType(stored);
        Answer asStored = new Answer(storedType, stored);
        Answer byDefault = uncompressed ? new Answer(storedType, Uids.EXPLICIT_VR_LITTLE_ENDIAN) : asStored;
        if (accept == null || accept.isBlank()) {
            return Optional.of(byDefault);
        }
        for (String range : accept.split(",")) {
            // A range of separators alone (";;;") splits into nothing: it asks for nothing we know.
            String[] parts = range.split(";");
            if (parts.length == 0) {
                continue;
            }
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            Map<String, String> params = new LinkedHashMap<>();
            for (int k = 1; k < parts.length; k++) {
                int eq = parts[k].indexOf('=');
                if (eq > 0) {
                    params.put(parts[k].substring(0, eq).trim().toLowerCase(Locale.ROOT),
                            parts[k].substring(eq + 1).trim().replace("\"", ""));
                }
            }
            if ("0".equals(params.get("q")) || "0.0".equals(params.get("q"))) {
                continue;
            }
            if (type.equals("*/*") || type.equals("multipart/*")) {
                return Optional.of(byDefault);
            }
            if (!type.equals("multipart/related")) {
                continue;
            }
            String partType = params.getOrDefault("type", "application/octet-stream").toLowerCase(Locale.ROOT);
            String syntax = params.get("transfer-syntax");
            boolean octets = partType.equals("application/octet-stream");
            if (!octets && !partType.equals(storedType) && !partType.equals("*/*")) {
                continue;
            }
            String mediaType = octets ? "application/octet-stream" : storedType;
            if (syntax == null) {
                if (octets && !uncompressed) {
                    // the default for octets is explicit VR little endian: only by decoding
                    if (decodable) {
                        return Optional.of(decoded);
                    }
                    continue;
                }
                return Optional.of(uncompressed ? byDefault : asStored);
            }
            if (syntax.equals("*") || syntax.equals(stored)) {
                return Optional.of(new Answer(mediaType, stored));
            }
            if (uncompressed && Uids.isUncompressed(syntax)) {
                return Optional.of(new Answer(mediaType, syntax));
            }
            if (!uncompressed && decodable && octets && Uids.isUncompressed(syntax)) {
                return Optional.of(new Answer(mediaType, syntax, true));
            }
        }
        return Optional.empty();
    }
}
