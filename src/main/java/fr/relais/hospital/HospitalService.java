package fr.relais.hospital;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client hospitals, their calling AE titles and what else identifies them on the network
 * (tables hospital, hospital_ae_title, hospital_certificate_fingerprint, hospital_certificate_subject,
 * hospital_network).
 */
@Service
public class HospitalService {

    private record Row(long id, String name, String finess, String timeZone, int retentionDays, OffsetDateTime createdAt) {}

    private record TitleRow(long hospitalId, String aeTitle) {}

    private record ValueRow(long hospitalId, String value) {}

    /** The network identity of one hospital, as registered. */
    private record Identity(List<String> fingerprints, List<String> subjects, List<String> networks) {
        static final Identity NONE = new Identity(List.of(), List.of(), List.of());
    }

    private static final String FINGERPRINTS = "select hospital_id, sha256 as value from hospital_certificate_fingerprint";
    private static final String SUBJECTS = "select hospital_id, subject as value from hospital_certificate_subject";
    private static final String NETWORKS = "select hospital_id, network::text as value from hospital_network";

    private record Holder(String value, long hospitalId, String hospitalName) {}

    static final String SELECT_PACS = "select hospital_id, ae_title, host, port, max_priors, max_years, relevance from hospital_pacs";

    static PacsSettings pacsRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new PacsSettings(rs.getString("ae_title"), rs.getString("host"), rs.getInt("port"), rs.getInt("max_priors"),
                rs.getInt("max_years"), rs.getString("relevance"));
    }

    private PacsSettings pacsOf(long id) {
        return jdbc.sql(SELECT_PACS + " where hospital_id = :id").param("id", id).query((rs, n) -> pacsRow(rs))
                .optional().orElse(null);
    }

    private static final String SELECT_ROW = "select id, name, finess, time_zone, retention_days, created_at from hospital";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final Zones zones;
    private final HospitalDirectory directory;

    public HospitalService(JdbcClient jdbc, AuditLog audit, Clock clock, Zones zones, HospitalDirectory directory) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.zones = zones;
        this.directory = directory;
    }

    public List<Hospital> list() {
        List<Row> rows = jdbc.sql(SELECT_ROW + " order by name").query(Row.class).list();
        Map<Long, List<String>> titles = new LinkedHashMap<>();
        for (TitleRow t : jdbc.sql("select hospital_id, ae_title from hospital_ae_title order by ae_title")
                .query(TitleRow.class).list()) {
            titles.computeIfAbsent(t.hospitalId(), k -> new ArrayList<>()).add(t.aeTitle());
        }
        Map<Long, List<String>> fingerprints = valuesByHospital(FINGERPRINTS + " order by sha256");
        Map<Long, List<String>> subjects = valuesByHospital(SUBJECTS + " order by subject");
        Map<Long, List<String>> networks = valuesByHospital(NETWORKS + " order by network");
        Map<Long, PacsSettings> pacs = new java.util.HashMap<>();
        jdbc.sql(SELECT_PACS).query((rs, n) -> pacs.put(rs.getLong("hospital_id"), pacsRow(rs))).list();
        return rows.stream().map(r -> toHospital(r, titles.getOrDefault(r.id(), List.of()),
                new Identity(fingerprints.getOrDefault(r.id(), List.of()), subjects.getOrDefault(r.id(), List.of()),
                        networks.getOrDefault(r.id(), List.of())), pacs.get(r.id()))).toList();
    }

    private Map<Long, List<String>> valuesByHospital(String sql) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (ValueRow v : jdbc.sql(sql).query(ValueRow.class).list()) {
            out.computeIfAbsent(v.hospitalId(), k -> new ArrayList<>()).add(v.value());
        }
        return out;
    }

    private Identity identityOf(long id) {
        return new Identity(valuesOf(FINGERPRINTS, id, "sha256"), valuesOf(SUBJECTS, id, "subject"),
                valuesOf(NETWORKS, id, "network"));
    }

    private List<String> valuesOf(String sql, long id, String order) {
        return jdbc.sql(sql + " where hospital_id = :id order by " + order).param("id", id)
                .query(ValueRow.class).list().stream().map(ValueRow::value).toList();
    }

    public Hospital get(long id) {
        return find(id).orElseThrow(() -> new NotFoundException("hospital.notFound", "No hospital " + id, String.valueOf(id)));
    }

    public Optional<Hospital> find(long id) {
        return jdbc.sql(SELECT_ROW + " where id = :id").param("id", id).query(Row.class).optional()
                .map(r -> toHospital(r, titlesOf(id), identityOf(id), pacsOf(id)));
    }

    public Optional<Hospital> findByName(String name) {
        return jdbc.sql(SELECT_ROW + " where name = :name").param("name", name).query(Row.class).optional()
                .map(r -> toHospital(r, titlesOf(r.id()), identityOf(r.id()), pacsOf(r.id())));
    }

    @Transactional
    public Hospital create(HospitalRequest request, Actor actor) {
        checkUnique(request, null);
        long id;
        try {
            id = jdbc.sql("""
                    insert into hospital (name, finess, time_zone, retention_days, created_at)
                    values (:name, :finess, :timeZone, :retentionDays, :at) returning id""")
                    .param("name", request.name())
                    .param("finess", request.finess())
                    .param("timeZone", timeZoneOf(request))
                    .param("retentionDays", request.retentionDays())
                    .param("at", OffsetDateTime.now(clock))
                    .query(Long.class).single();
            insertTitles(id, request.aeTitles());
            replaceIdentity(id, request);
        } catch (DuplicateKeyException raced) {
            throw conflictFrom(raced, request);
        }
        audit.record(actor.username(), "HOSPITAL_CREATED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                describe(request.aeTitles(), identityOf(id), pacsOf(id)));
        return get(id);
    }

    @Transactional
    public Hospital update(long id, HospitalRequest request, Actor actor) {
        get(id);
        checkUnique(request, id);
        try {
            jdbc.sql("""
                    update hospital set name = :name, finess = :finess, time_zone = :timeZone,
                                        retention_days = :retentionDays
                    where id = :id""")
                    .param("name", request.name())
                    .param("finess", request.finess())
                    .param("timeZone", timeZoneOf(request))
                    .param("retentionDays", request.retentionDays())
                    .param("id", id)
                    .update();
            // This instance's pages show the new zone once it is committed (others within a minute).
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    directory.forgetTimeZone(id);
                }
            });
            jdbc.sql("delete from hospital_ae_title where hospital_id = :id").param("id", id).update();
            insertTitles(id, request.aeTitles());
            replaceIdentity(id, request);
        } catch (DuplicateKeyException raced) {
            throw conflictFrom(raced, request);
        }
        audit.record(actor.username(), "HOSPITAL_UPDATED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS,
                describe(request.aeTitles(), identityOf(id), pacsOf(id)));
        return get(id);
    }

    /** Refused while studies, exams or accounts refer to the hospital: their history must stay whole. */
    @Transactional
    public void delete(long id, Actor actor) {
        Hospital hospital = get(id);
        try {
            jdbc.sql("delete from hospital where id = :id").param("id", id).update();
        } catch (DataIntegrityViolationException referenced) {
            throw new ConflictException(null, "hospital.delete.referenced",
                    "Hospital " + hospital.name() + " still has studies, exams or accounts", hospital.name());
        }
        audit.record(actor.username(), "HOSPITAL_DELETED", "hospital:" + id, actor.source(), AuditLog.Outcome.SUCCESS, null);
    }

    /** Replaces each list the request gives; a list it leaves out (null) stays as registered, as does the PACS. */
    private void replaceIdentity(long id, HospitalRequest request) {
        if (request.pacs() != null) {
            jdbc.sql("delete from hospital_pacs where hospital_id = :id").param("id", id).update();
            PacsSettings p = request.pacs();
            if (p.configured()) {
                jdbc.sql("""
                        insert into hospital_pacs (hospital_id, ae_title, host, port, max_priors, max_years, relevance)
                        values (:id, :ae, :host, :port, :maxPriors, :maxYears, :relevance)""")
                        .param("id", id).param("ae", p.aeTitle()).param("host", p.host()).param("port", p.port())
                        .param("maxPriors", p.maxPriors()).param("maxYears", p.maxYears()).param("relevance", p.relevance())
                        .update();
            }
        }
        if (request.certificateFingerprints() != null) {
            jdbc.sql("delete from hospital_certificate_fingerprint where hospital_id = :id").param("id", id).update();
            for (String sha256 : request.certificateFingerprints()) {
                jdbc.sql("insert into hospital_certificate_fingerprint (sha256, hospital_id) values (:sha256, :id)")
                        .param("sha256", sha256).param("id", id).update();
            }
        }
        if (request.certificateSubjects() != null) {
            jdbc.sql("delete from hospital_certificate_subject where hospital_id = :id").param("id", id).update();
            for (String subject : request.certificateSubjects()) {
                jdbc.sql("""
                        insert into hospital_certificate_subject (subject_canonical, subject, hospital_id)
                        values (:canonical, :subject, :id)""")
                        .param("canonical", CertificateIdentity.canonicalSubject(subject)).param("subject", subject)
                        .param("id", id).update();
            }
        }
        if (request.networks() != null) {
            jdbc.sql("delete from hospital_network where hospital_id = :id").param("id", id).update();
            for (String network : request.networks()) {
                jdbc.sql("insert into hospital_network (hospital_id, network) values (:id, cast(:network as cidr))")
                        .param("id", id).param("network", network).update();
            }
        }
    }

    /** The audit entry's detail: everything that identifies the hospital on the network, as now saved. */
    private static String describe(List<String> titles, Identity identity, PacsSettings pacs) {
        return "AE titles " + String.join(", ", titles)
                + "; certificates " + (identity.fingerprints().isEmpty() && identity.subjects().isEmpty() ? "none"
                        : String.join(", ", concat(identity.fingerprints().stream().map(f -> "SHA-256 " + f).toList(),
                                identity.subjects().stream().map(d -> "subject " + d).toList())))
                + "; networks " + (identity.networks().isEmpty() ? "any" : String.join(", ", identity.networks()))
                + "; PACS " + (pacs == null ? "none" : pacs.aeTitle() + "@" + pacs.host() + ":" + pacs.port() + ", "
                        + pacs.maxPriors() + " priors, " + pacs.maxYears() + " years, " + pacs.relevance());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private void checkUnique(HospitalRequest request, Long self) {
        if (request.certificateFingerprints() != null && !request.certificateFingerprints().isEmpty()) {
            jdbc.sql("""
                    select f.sha256, h.id as hospital_id, h.name as hospital_name
                    from hospital_certificate_fingerprint f join hospital h on h.id = f.hospital_id
                    where f.sha256 in (:values) order by f.sha256""")
                    .param("values", request.certificateFingerprints())
                    .query((rs, n) -> new Holder(rs.getString("sha256"), rs.getLong("hospital_id"), rs.getString("hospital_name")))
                    .list().stream().filter(h -> self == null || h.hospitalId() != self).findFirst()
                    .ifPresent(h -> {
                        throw new ConflictException("certificateFingerprints", "hospital.certificate.taken",
                                "Certificate " + h.value() + " already identifies " + h.hospitalName(),
                                h.value(), h.hospitalName());
                    });
        }
        if (request.certificateSubjects() != null && !request.certificateSubjects().isEmpty()) {
            List<String> canonical = request.certificateSubjects().stream().map(CertificateIdentity::canonicalSubject).toList();
            jdbc.sql("""
                    select s.subject, h.id as hospital_id, h.name as hospital_name
                    from hospital_certificate_subject s join hospital h on h.id = s.hospital_id
                    where s.subject_canonical in (:values) order by s.subject""")
                    .param("values", canonical)
                    .query((rs, n) -> new Holder(rs.getString("subject"), rs.getLong("hospital_id"), rs.getString("hospital_name")))
                    .list().stream().filter(h -> self == null || h.hospitalId() != self).findFirst()
                    .ifPresent(h -> {
                        throw new ConflictException("certificateSubjects", "hospital.certificate.taken",
                                "Certificate subject " + h.value() + " already identifies " + h.hospitalName(),
                                h.value(), h.hospitalName());
                    });
        }
        checkPacsTitle(request, self);
        for (Holder holder : holdersOf(request.aeTitles())) {
            if (self == null || holder.hospitalId() != self) {
                throw new ConflictException("aeTitles", "hospital.aeTitle.taken",
                        "AE title " + holder.value() + " already belongs to " + holder.hospitalName(),
                        holder.value(), holder.hospitalName());
            }
        }
        jdbc.sql("select id, name from hospital where name = :name").param("name", request.name())
                .query((rs, n) -> rs.getLong("id")).optional()
                .filter(other -> !other.equals(self))
                .ifPresent(other -> {
                    throw new ConflictException("name", "hospital.name.taken",
                            "A hospital is already named " + request.name(), request.name());
                });
        jdbc.sql("select id, name from hospital where finess = :finess").param("finess", request.finess())
                .query((rs, n) -> new Holder(request.finess(), rs.getLong("id"), rs.getString("name"))).optional()
                .filter(other -> self == null || other.hospitalId() != self)
                .ifPresent(other -> {
                    throw new ConflictException("finess", "hospital.finess.taken",
                            "FINESS " + request.finess() + " is already " + other.hospitalName(),
                            request.finess(), other.hospitalName());
                });
    }

    /** A PACS's AE title is no scanner's (its images are priors, a scanner's are exams), and one hospital's. */
    private void checkPacsTitle(HospitalRequest request, Long self) {
        if (!request.aeTitles().isEmpty()) {
            jdbc.sql("select ae_title from hospital_pacs where ae_title in (:titles) order by ae_title")
                    .param("titles", request.aeTitles()).query(String.class).list().stream().findFirst()
                    .ifPresent(ae -> {
                        throw new ConflictException("aeTitles", "hospital.aeTitle.pacs",
                                "AE title " + ae + " is a PACS's, not a scanner's", ae);
                    });
        }
        if (request.pacs() == null || !request.pacs().configured()) {
            return;
        }
        String ae = request.pacs().aeTitle();
        if (request.aeTitles().contains(ae) || !holdersOf(List.of(ae)).isEmpty()) {
            throw new ConflictException("pacs.aeTitle", "hospital.pacs.aeTitle.scanner",
                    "AE title " + ae + " is a scanner's; the PACS needs its own", ae);
        }
        jdbc.sql("select h.id, h.name from hospital_pacs p join hospital h on h.id = p.hospital_id where p.ae_title = :ae")
                .param("ae", ae).query((rs, n) -> new Holder(ae, rs.getLong("id"), rs.getString("name"))).optional()
                .filter(h -> self == null || h.hospitalId() != self)
                .ifPresent(h -> {
                    throw new ConflictException("pacs.aeTitle", "hospital.pacs.aeTitle.taken",
                            "AE title " + ae + " is already the PACS of " + h.hospitalName(), ae, h.hospitalName());
                });
    }

    private List<Holder> holdersOf(List<String> titles) {
        if (titles.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select a.ae_title as value, h.id as hospital_id, h.name as hospital_name
                from hospital_ae_title a join hospital h on h.id = a.hospital_id
                where a.ae_title in (:titles) order by a.ae_title""")
                .param("titles", titles)
                .query(Holder.class).list();
    }

    /**
     * Another administrator saved the same value between our check and our insert. The failed
     * statement has aborted the transaction, so we cannot look up who holds it.
     */
    private static ConflictException conflictFrom(DuplicateKeyException raced, HospitalRequest request) {
        return new ConflictException(null, "hospital.duplicate",
                "Another hospital took this name, FINESS or AE title meanwhile", request.name());
    }

    private void insertTitles(long hospitalId, List<String> titles) {
        for (String title : titles) {
            jdbc.sql("insert into hospital_ae_title (ae_title, hospital_id) values (:title, :id)")
                    .param("title", title).param("id", hospitalId).update();
        }
    }

    private List<String> titlesOf(long id) {
        return jdbc.sql("select ae_title from hospital_ae_title where hospital_id = :id order by ae_title")
                .param("id", id).query(String.class).list();
    }

    private static Hospital toHospital(Row r, List<String> titles, Identity identity, PacsSettings pacs) {
        return new Hospital(r.id(), r.name(), r.finess(), r.timeZone(), r.retentionDays(), List.copyOf(titles),
                identity.fingerprints(), identity.subjects(), identity.networks(), r.createdAt(), pacs);
    }

    /** The hospital's zone as given; the reading centers' when none was given. */
    private String timeZoneOf(HospitalRequest request) {
        return request.timeZone() != null ? request.timeZone() : zones.center().getId();
    }
}
