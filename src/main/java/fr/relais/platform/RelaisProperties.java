package fr.relais.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/** Every operator setting of ARCHITECTURE.md, bound from application.yml (which maps the RELAIS_* variables). */
@ConfigurationProperties("relais")
public record RelaisProperties(
        Path dataDir,
        String masterKey,
        String adminPassword,
        Db db,
        Dicom dicom,
        Intake intake,
        Consent consent) {

    public record Db(String url, String user, String password) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    /** port 0 picks a free port (tests); maxAssociations bounds the threads serving hospitals at once. */
    /**
     * tlsPort, when set, opens a second listener where every association is TLS, with the SSL bundle
     * named tlsBundle (spring.ssl.bundle.pem.&lt;name&gt;: our certificate and key; a trust store
     * there makes the hospitals show a certificate it accepts).
     */
    public record Dicom(int port, String ae, int maxAssociations, int maxPduLength, int idleTimeoutSeconds,
                        Integer tlsPort, String tlsBundle) {}

    public record Intake(int stableSeconds) {}

    /** Images without consent are purged after quarantineHours. */
    public record Consent(int quarantineHours) {}
}
