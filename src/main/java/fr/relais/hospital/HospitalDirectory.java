package fr.relais.hospital;

import fr.relais.platform.Zones;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Who is calling: the hospital behind a calling AE title, and whether the network agrees. */
@Service
public class HospitalDirectory implements Zones.HospitalTimeZones {

    /** A hospital's zone is read for every time a page shows: kept a minute (an edit shows within it). */
    private static final Duration ZONE_KEPT = Duration.ofMinutes(1);

    private record Kept(Optional<String> timeZone, long readAtNanos) {}

    private final Map<Long, Kept> zones = new ConcurrentHashMap<>();

    /** What the intake needs to know of a hospital. */
    public record HospitalRef(long id, String name, int retentionDays) {}

    /**
     * A hospital as its calling AE title names it, with what else must be true of the association:
     * on the TLS port, a certificate registered on it (SHA-256 fingerprints, canonical subjects);
     * on either port, a source address in its networks when it has any.
     */
    public record Caller(HospitalRef hospital, List<String> fingerprints, List<String> subjects, List<Cidr> networks) {

        public boolean hasCertificates() {
            return !fingerprints.isEmpty() || !subjects.isEmpty();
        }

        public boolean recognises(X509Certificate certificate) {
            return fingerprints.contains(CertificateIdentity.fingerprint(certificate))
                    || subjects.contains(CertificateIdentity.canonicalSubject(certificate));
        }

        public boolean admitsAddress(InetAddress address) {
            return networks.isEmpty() || (address != null && networks.stream().anyMatch(n -> n.contains(address)));
        }
    }

    private final JdbcClient jdbc;

    public HospitalDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<HospitalRef> findByCallingAeTitle(String callingAeTitle) {
        return jdbc.sql("""
                select h.id, h.name, h.retention_days
                from hospital_ae_title a join hospital h on h.id = a.hospital_id
                where a.ae_title = :ae""")
                .param("ae", callingAeTitle)
                .query(HospitalRef.class)
                .optional();
    }

    /** The hospital behind a calling AE title, with its certificates and networks. */
    public Optional<Caller> findCaller(String callingAeTitle) {
        return findByCallingAeTitle(callingAeTitle).map(this::withIdentity);
    }

    private Caller withIdentity(HospitalRef h) {
        return new Caller(h,
                jdbc.sql("select sha256 from hospital_certificate_fingerprint where hospital_id = :id")
                        .param("id", h.id()).query(String.class).list(),
                jdbc.sql("select subject_canonical from hospital_certificate_subject where hospital_id = :id")
                        .param("id", h.id()).query(String.class).list(),
                jdbc.sql("select network::text from hospital_network where hospital_id = :id")
                        .param("id", h.id()).query(String.class).list().stream().map(Cidr::parse).toList());
    }

    /**
     * Why this association may not speak for the caller's hospital, or empty when it may.
     * acceptWithoutCertificate: whether, on the TLS port, a hospital with no certificate registered
     * is taken on its AE title alone (off by default).
     */
    public Optional<String> refusal(Caller caller, String callingAeTitle, InetAddress from, boolean tls,
                                    X509Certificate certificate, boolean acceptWithoutCertificate) {
        String hospital = caller.hospital().name() + " (hospital " + caller.hospital().id() + ")";
        if (!caller.admitsAddress(from)) {
            return Optional.of("calling AE title " + callingAeTitle + " of " + hospital + " called from "
                    + (from == null ? "an unknown address" : from.getHostAddress()) + ", outside its registered networks "
                    + caller.networks().stream().map(Cidr::toString).toList());
        }
        if (!tls) {
            return Optional.empty();
        }
        if (certificate == null) {
            if (!caller.hasCertificates() && acceptWithoutCertificate) {
                return Optional.empty();
            }
            return Optional.of("calling AE title " + callingAeTitle + " of " + hospital
                    + " showed no client certificate on the TLS port");
        }
        if (caller.recognises(certificate)) {
            return Optional.empty();
        }
        String shown = "the certificate shown (subject " + certificate.getSubjectX500Principal().getName()
                + ", SHA-256 " + CertificateIdentity.fingerprint(certificate) + ")";
        Optional<HospitalRef> owner = ownerOf(certificate);
        if (owner.isPresent()) {
            return Optional.of(shown + " is registered for " + owner.get().name() + " (hospital " + owner.get().id()
                    + "), not for " + hospital + " whose calling AE title " + callingAeTitle + " it used");
        }
        if (!caller.hasCertificates()) {
            if (acceptWithoutCertificate) {
                return Optional.empty();
            }
            return Optional.of(hospital + " has no client certificate registered for the TLS port, so "
                    + shown + " cannot speak for calling AE title " + callingAeTitle);
        }
        return Optional.of(shown + " is not one registered for " + hospital + " (calling AE title " + callingAeTitle + ")");
    }

    /** The hospital a certificate is registered on, if any. */
    public Optional<HospitalRef> ownerOf(X509Certificate certificate) {
        return jdbc.sql("""
                select h.id, h.name, h.retention_days from hospital h
                where h.id in (select hospital_id from hospital_certificate_fingerprint where sha256 = :sha256
                               union select hospital_id from hospital_certificate_subject where subject_canonical = :subject)
                order by h.id limit 1""")
                .param("sha256", CertificateIdentity.fingerprint(certificate))
                .param("subject", CertificateIdentity.canonicalSubject(certificate))
                .query(HospitalRef.class)
                .optional();
    }

    /**
     * The hospital whose PACS calls with this AE title (sending back the priors Relais asked for),
     * with the same certificates and networks as its scanners.
     */
    public Optional<Caller> findPacsCaller(String callingAeTitle) {
        return jdbc.sql("""
                select h.id, h.name, h.retention_days
                from hospital_pacs p join hospital h on h.id = p.hospital_id where p.ae_title = :ae""")
                .param("ae", callingAeTitle).query(HospitalRef.class).optional().map(this::withIdentity);
    }

    /** The hospital's PACS, if it has one to query for priors. */
    public Optional<PacsSettings> pacsOf(long hospitalId) {
        return jdbc.sql(HospitalService.SELECT_PACS + " where hospital_id = :id").param("id", hospitalId)
                .query((rs, n) -> HospitalService.pacsRow(rs)).optional();
    }

    public Optional<HospitalRef> findById(long hospitalId) {
        return jdbc.sql("select id, name, retention_days from hospital where id = :id")
                .param("id", hospitalId)
                .query(HospitalRef.class)
                .optional();
    }

    /** A hospital's zone changed: read it again next time. */
    void forgetTimeZone(long hospitalId) {
        zones.remove(hospitalId);
    }

    @Override
    public Optional<String> timeZoneOf(long hospitalId) {
        long now = System.nanoTime();
        Kept kept = zones.get(hospitalId);
        if (kept == null || now - kept.readAtNanos() > ZONE_KEPT.toNanos()) {
            kept = new Kept(jdbc.sql("select time_zone from hospital where id = :id").param("id", hospitalId)
                    .query(String.class).optional(), now);
            zones.put(hospitalId, kept);
        }
        return kept.timeZone();
    }
}
