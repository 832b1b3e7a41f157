package fr.relais.hospital;

import javax.security.auth.x500.X500Principal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * How a client certificate is registered on a hospital and recognised on the DICOM TLS port: the
 * SHA-256 fingerprint of its DER encoding (pins one certificate), or its subject distinguished name
 * (survives a renewal, and is only as good as the trust store's CA, which must issue it to that
 * hospital alone).
 */
public final class CertificateIdentity {

    private CertificateIdentity() {}

    /**
     * A fingerprint as openssl or keytool print it ({@code AB:CD:...}, any case) as 64 upper-case
     * hex digits; null when it is not 32 bytes of hex.
     */
    public static String fingerprint(String text) {
        if (text == null) {
            return null;
        }
        String hex = text.strip().replace(":", "").toUpperCase(java.util.Locale.ROOT);
        return hex.matches("[0-9A-F]{64}") ? hex : null;
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** A subject as RFC 2253 writes it (for display); null when it is no distinguished name. */
    public static String subject(String text) {
        X500Principal principal = principal(text);
        return principal == null ? null : principal.getName(X500Principal.RFC2253);
    }

    /** The form two spellings of one name share (case, spaces, attribute order within a part). */
    public static String canonicalSubject(String text) {
        X500Principal principal = principal(text);
        return principal == null ? null : principal.getName(X500Principal.CANONICAL);
    }

    public static String canonicalSubject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.CANONICAL);
    }

    private static X500Principal principal(String text) {
        if (text == null || text.isBlank() || !text.contains("=")) {
            return null;
        }
        try {
            return new X500Principal(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
