package fr.relais.intake;

import fr.relais.dicom.DicomHeader;
import fr.relais.exam.ExamLifecycle;
import fr.relais.request.PatientIdentity;
import fr.relais.request.StudyMatcher;
import fr.relais.storage.Sealer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The patient / study / series / instance index. Every method runs in the caller's transaction;
 * inserts are race-safe (ON CONFLICT) because several associations may carry one study.
 */
@Repository
class StudyIndex {

    static final String NAME_PURPOSE = PatientIdentity.NAME_PURPOSE;
    /** The key of a patient sent without an ID: never merged with anyone. */
    static final String NO_ID_PREFIX = PatientIdentity.NO_ID_PREFIX;
    static final String BIRTH_DATE_PURPOSE = PatientIdentity.BIRTH_DATE_PURPOSE;

    private final JdbcClient jdbc;
    private final Sealer sealer;
    private final StudyMatcher matcher;

    StudyIndex(JdbcClient jdbc, Sealer sealer, StudyMatcher matcher) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.matcher = matcher;
    }

    /**
     * Ids of the studies and series being received: a 300-slice series asks for them 300 times.
     * An id enters the cache only once its transaction committed, so it always names a real row.
     */
    private final Map<String, Long> knownIds = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    });

    /**
     * The study's id, creating patient, study and (attach: the matcher gives it) exam on its first
     * instance; a prior fetched from the hospital's PACS gets no exam.
     */
    long ensureStudy(long hospitalId, DicomHeader h, Instant now, String actor, boolean attach) {
        String cacheKey = "study:" + hospitalId + ":" + h.studyInstanceUid();
        Long cached = knownIds.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        long id = findOrCreateStudy(hospitalId, h, now, actor, attach);
        rememberAfterCommit(cacheKey, id);
        return id;
    }

    private long findOrCreateStudy(long hospitalId, DicomHeader h, Instant now, String actor, boolean attach) {
        Optional<Long> existing = findStudy(hospitalId, h.studyInstanceUid());
        if (existing.isPresent()) {
            return existing.get();
        }
        long patientId = ensurePatient(hospitalId, h, now);
        // The study keeps the identity it arrived with: the patient row is the first one ever seen
        // under this ID, and a second study under it may name someone else.
        PatientIdentity identity = new PatientIdentity(h.patientId(), emptyToNull(h.patientName()),
                PatientIdentity.dicomDate(h.patientBirthDate()), sex(h));
        Optional<Long> created = jdbc.sql("""
                insert into study (hospital_id, patient_id, study_uid, accession_number, study_date, description,
                                   first_received_at, last_received_at, instance_count, patient_name_sealed,
                                   patient_birth_date_sealed, patient_sex, identity_key)
                values (:hospital, :patient, :uid, :accession, :date, :description, :now, :now, 0, :name, :birth,
                        :sex, :identity)
                on conflict (hospital_id, study_uid) do nothing returning id""")
                .param("hospital", hospitalId)
                .param("patient", patientId)
                .param("name", sealer.seal(NAME_PURPOSE, identity.name()))
                .param("birth", sealer.seal(BIRTH_DATE_PURPOSE, emptyToNull(h.patientBirthDate())))
                .param("sex", identity.sex())
                .param("identity", sealer.fingerprint(PatientIdentity.IDENTITY_PURPOSE, identity.consistencyKey()))
                .param("uid", h.studyInstanceUid())
                .param("accession", emptyToNull(h.accessionNumber()))
                .param("date", PatientIdentity.dicomDate(h.studyDate()))
                .param("description", emptyToNull(h.studyDescription()))
                .param("now", ExamLifecycle.utc(now))
                .query(Long.class)
                .optional();
        if (created.isEmpty()) {
            return findStudy(hospitalId, h.studyInstanceUid()).orElseThrow();
        }
        if (!attach) {
            return created.get();
        }
        matcher.attach(new StudyMatcher.ArrivingStudy(hospitalId, created.get(), h.accessionNumber(), identity,
                h.modality()), now, actor);
        return created.get();
    }

    long ensureSeries(long studyId, DicomHeader h) {
        String cacheKey = "series:" + studyId + ":" + h.seriesInstanceUid();
        Long cached = knownIds.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        long id = findOrCreateSeries(studyId, h);
        rememberAfterCommit(cacheKey, id);
        return id;
    }

    private void rememberAfterCommit(String cacheKey, long id) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    knownIds.put(cacheKey, id);
                }
            });
        }
    }

    private long findOrCreateSeries(long studyId, DicomHeader h) {
        return jdbc.sql("""
                insert into series (study_id, series_uid, modality, series_number, description)
                values (:study, :uid, :modality, :number, :description)
                on conflict (study_id, series_uid) do nothing returning id""")
                .param("study", studyId)
                .param("uid", h.seriesInstanceUid())
                .param("modality", emptyToNull(h.modality()))
                .param("number", integer(h.seriesNumber()))
                .param("description", emptyToNull(h.seriesDescription()))
                .query(Long.class)
                .optional()
                .orElseGet(() -> jdbc.sql("select id from series where study_id = :study and series_uid = :uid")
                        .param("study", studyId).param("uid", h.seriesInstanceUid())
                        .query(Long.class).single());
    }

    /** False when this instance is already indexed: re-sending is idempotent. */
    boolean addInstance(long studyId, long seriesId, DicomHeader h, String transferSyntax, String objectKey,
                        long size, Instant now, String callingAe) {
        // One round trip: the instance, and the study's counters only if the instance is new.
        return jdbc.sql("""
                with added as (
                    insert into instance (series_id, sop_instance_uid, sop_class_uid, transfer_syntax, instance_number,
                                          object_key, size_bytes, received_at, calling_ae, metadata)
                    values (:series, :uid, :class, :ts, :number, :key, :size, :now, :ae, :metadata)
                    on conflict (series_id, sop_instance_uid) do nothing returning id)
                update study set instance_count = instance_count + 1,
                                 last_received_at = greatest(last_received_at, :now)
                where id = :study and exists (select 1 from added)
                returning id""")
                .param("series", seriesId)
                .param("uid", h.sopInstanceUid())
                .param("class", h.sopClassUid())
                .param("ts", transferSyntax)
                .param("number", integer(h.instanceNumber()))
                .param("key", objectKey)
                .param("size", size)
                .param("metadata", h.metadata())
                .param("now", ExamLifecycle.utc(now))
                .param("ae", callingAe)
                .param("study", studyId)
                .query(Long.class)
                .optional()
                .isPresent();
    }

    private Optional<Long> findStudy(long hospitalId, String studyUid) {
        return jdbc.sql("select id from study where hospital_id = :hospital and study_uid = :uid")
                .param("hospital", hospitalId)
                .param("uid", studyUid)
                .query(Long.class)
                .optional();
    }

    private long ensurePatient(long hospitalId, DicomHeader h, Instant now) {
        // A study without a patient ID must not merge with another anonymous patient.
        String key = h.patientId().isEmpty() ? NO_ID_PREFIX + h.studyInstanceUid() : h.patientId();
        return jdbc.sql("""
                insert into patient (hospital_id, patient_key, name_sealed, birth_date_sealed, sex, created_at)
                values (:hospital, :key, :name, :birth, :sex, :now)
                on conflict (hospital_id, patient_key) do nothing returning id""")
                .param("hospital", hospitalId)
                .param("key", key)
                .param("name", sealer.seal(NAME_PURPOSE, emptyToNull(h.patientName())))
                .param("birth", sealer.seal(BIRTH_DATE_PURPOSE, emptyToNull(h.patientBirthDate())))
                .param("sex", sex(h))
                .param("now", ExamLifecycle.utc(now))
                .query(Long.class)
                .optional()
                .orElseGet(() -> jdbc.sql("select id from patient where hospital_id = :hospital and patient_key = :key")
                        .param("hospital", hospitalId).param("key", key)
                        .query(Long.class).single());
    }

    private static String sex(DicomHeader h) {
        return switch (h.patientSex()) {
            case "M", "F", "O" -> h.patientSex();
            default -> null;
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Integer integer(String s) {
        try {
            return s == null || s.isEmpty() ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
