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

    /**
     * The application's connection (url, user, password) and, optionally, the role that owns the
     * schema and runs the migrations (ownerUser, ownerPassword); without an owner the application's
     * user migrates too. The embedded server has both: the superuser migrates, relais_app runs.
     */
    public record Db(String url, String user, String password, String ownerUser, String ownerPassword) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }

        public boolean separateOwner() {
            return embedded() || ownerUser != null && !ownerUser.isBlank();
        }
    }

    /**
     * port 0 picks a free port (tests); maxAssociations bounds the threads serving hospitals at once.
     * artimSeconds, maxNegotiating(PerSource), maxPerHospital, maxPerSource: see DicomServer.Limits
     * (unset: its defaults); receptionBudgetMb: the heap data sets in flight may take together
     * (unset or 0: half the heap).
     */
    /**
     * tlsPort, when set, opens a second listener where every association is TLS, with the SSL bundle
     * named tlsBundle (spring.ssl.bundle.pem.&lt;name&gt;: our certificate and key; a trust store
     * there makes the hospitals show a certificate it accepts). On that port a hospital must show a
     * certificate registered on it; tlsAcceptWithoutCertificate lets a hospital that has none
     * registered in on its AE title alone, as before.
     */
    public record Dicom(int port, String ae, int maxAssociations, int maxPduLength, int idleTimeoutSeconds,
                        Integer tlsPort, String tlsBundle, boolean tlsAcceptWithoutCertificate,
                        Integer artimSeconds, Integer maxNegotiating, Integer maxNegotiatingPerSource,
                        Integer maxPerHospital, Integer maxPerSource, Integer receptionBudgetMb) {}

    public record Intake(int stableSeconds) {}

    /** Images without consent are purged after quarantineHours. */
    public record Consent(int quarantineHours) {}
}
