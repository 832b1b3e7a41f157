package fr.relais.request;

import fr.relais.audit.AuditLog;
import fr.relais.catalog.ExamType;
import fr.relais.catalog.ExamTypeService;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import fr.relais.storage.ObjectStore;
import fr.relais.storage.Sealer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Supplier;

/**
 * The front half of the workflow: a physician files a request with consent, a regulating
 * radiologist accepts it with a protocol, asks for information or refuses it. Every change is
 * checked against the exam's state machine, recorded, audited and published for the live pages.
 * Hospital users only ever see their own hospital's requests: the scope is in every query.
 */
@Service
public class RequestService {

    static final String FAMILY_NAME = "request.family_name";
    static final String GIVEN_NAME = "request.given_name";
    /** The sealing purpose of birth dates: the worklist opens them to show the age. */
    public static final String BIRTH_DATE = "request.birth_date";
    private static final long MAX_DOCUMENT_BYTES = 10L << 20;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final ExamTypeService examTypes;
    private final StudyMatcher matcher;
    private final Sealer sealer;
    private final ObjectStore store;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Zones zones;

    private static final int ACCESSION_ATTEMPTS = 10;

    RequestService(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, ExamTypeService examTypes,
                   StudyMatcher matcher, Sealer sealer, ObjectStore store, AuditLog audit,
                   ApplicationEventPublisher events, Clock clock, Zones zones) {
        this.matcher = matcher;
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.examTypes = examTypes;
        this.sealer = sealer;
        this.store = store;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.zones = zones;
    }

    // ---- the hospital --------------------------------------------------------------------------

    public RequestView file(NewRequest r, AccountPrincipal by, String source) {
        require(by, Role.HOSPITAL_PHYSICIAN);
        ExamType type = examTypes.find(r.examTypeCode()).orElseThrow(() -> new InvalidInputException("examTypeCode",
                "request.examType.unknown", "unknown exam type " + r.examTypeCode(), r.examTypeCode()));
        Instant now = clock.instant();
        checkClinicalSafety(r, type, now, zones.hospital(by.hospitalId()));
        checkConsent(r.consent(), r.urgency(), r.trustedPersonName(), r.consentJustification());
        long examId = inTransaction(() -> {
            long id = exams.open(by.hospitalId(), null, ExamState.REQUESTED, now, by.username());
            // Random numbers collide once in a very long while: another draw, without aborting the transaction.
            int inserted = 0;
            for (int attempt = 0; inserted == 0; attempt++) {
                if (attempt == ACCESSION_ATTEMPTS) {
                    throw new IllegalStateException("no free accession number after " + attempt + " draws");
                }
                inserted = insertRequest(id, AccessionNumbers.next(), r, by, type, now);
            }
            insertConsentEvent(id, r.consent(), r.trustedPersonName(), r.consentJustification(), null, null, by, now);
            // The scanner may have sent the study before anyone filed the request: it waits unmatched.
            matcher.claimEarlyStudy(id, by.hospitalId(), r.patientId().trim(), now, by.username());
            return id;
        });
        audit.record(by.username(), "REQUEST_FILED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS, r.urgency().name());
        return published(examId, "filed");
    }

    /** The request's row under that accession number; 0 when the number is already taken. */
    private int insertRequest(long id, String accession, NewRequest r, AccountPrincipal by, ExamType type, Instant now) {
        return jdbc.sql("""
                insert into exam_request (exam_id, hospital_id, accession_number, patient_key, family_name_sealed,
                    given_name_sealed, birth_date_sealed, sex, exam_type_code, clinical_context, question, urgency,
                    creatinine_umol_l, contrast_allergy, pregnancy, requesting_physician, callback_phone,
                    requested_by, requested_at, consent)
                values (:exam, :hospital, :accession, :patient, :family, :given, :birth, :sex, :type, :context,
                    :question, :urgency, :creatinine, :allergy, :pregnancy, :physician, :phone, :by, :at, :consent)
                on conflict (accession_number) do nothing""")
                .param("exam", id)
                .param("hospital", by.hospitalId())
                .param("accession", accession)
                .param("patient", r.patientId().trim())
                .param("family", sealer.seal(FAMILY_NAME, r.familyName().trim()))
                .param("given", sealer.seal(GIVEN_NAME, r.givenName().trim()))
                .param("birth", sealer.seal(BIRTH_DATE, r.birthDate().toString()))
                .param("sex", r.sex())
                .param("type", type.code())
                .param("context", r.clinicalContext().trim())
                .param("question", r.question().trim())
                .param("urgency", r.urgency().name())
                .param("creatinine", r.creatinineUmolPerL())
                .param("allergy", r.contrastAllergy())
                .param("pregnancy", r.pregnancy() == null ? null : r.pregnancy().name())
                .param("physician", r.requestingPhysician().trim())
                .param("phone", r.callbackPhone().trim())
                .param("by", by.id())
                .param("at", ExamLifecycle.utc(now))
                .param("consent", r.consent().name())
                .update();
    }

    public List<RequestView> list(AccountPrincipal viewer, Set<ExamState> states) {
        return visibleTo(jdbc.sql(SELECT + " where " + VISIBLE + """
                   and (:allStates or e.state in (:states))
                 order by r.requested_at desc limit 500"""), viewer)
                .param("allStates", states == null || states.isEmpty())
                .param("states", states == null || states.isEmpty() ? List.of("-") : states.stream().map(Enum::name).toList())
                .query(this::view)
                .list();
    }

    /** {@link #list} for a person who is shown the list (a page, the API): audited with the requests shown. */
    public List<RequestView> list(AccountPrincipal viewer, Set<ExamState> states, String source) {
        return shown(viewer, "REQUESTS_LISTED", list(viewer, states), source);
    }

    /** {@link #justificationQueue} for the radiologist who is shown it: audited with the requests shown. */
    public List<RequestView> justificationQueue(AccountPrincipal radiologist, String source) {
        return shown(radiologist, "JUSTIFICATION_QUEUE_LISTED", justificationQueue(radiologist), source);
    }

    /** {@link #get} for a person who reads the request (a page, the API): the reading is audited. */
    public RequestView read(long id, AccountPrincipal viewer, String source) {
        RequestView request = get(id, viewer, source);
        audit.record(viewer.username(), "REQUEST_READ", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return request;
    }

    /** Lists carry patients' names: whoever saw which requests is in the audit trail (the first 200 ids). */
    private List<RequestView> shown(AccountPrincipal viewer, String action, List<RequestView> requests, String source) {
        if (!requests.isEmpty()) {
            String ids = requests.stream().limit(200).map(r -> String.valueOf(r.id())).collect(Collectors.joining(","));
            audit.record(viewer.username(), action, null, source, AuditLog.Outcome.SUCCESS,
                    requests.size() + " requests: exam " + ids + (requests.size() > 200 ? ",..." : ""));
        }
        return requests;
    }

    /** The request, or 404 for anyone who may not see it: another hospital's id is not even confirmed. */
    public RequestView get(long id, AccountPrincipal viewer, String source) {
        return visibleTo(jdbc.sql(SELECT + " where r.exam_id = :id and " + VISIBLE), viewer)
                .param("id", id)
                .query(this::view)
                .optional()
                .orElseThrow(() -> {
                    boolean exists = jdbc.sql("select count(*) from exam_request where exam_id = :id").param("id", id)
                            .query(Integer.class).single() > 0;
                    if (exists) {
                        audit.record(viewer.username(), "REQUEST_ACCESS_DENIED", "exam:" + id, source,
                                AuditLog.Outcome.REJECTED, "request of a hospital out of the viewer's scope");
                    }
                    return new NotFoundException("request.notFound", "no request " + id, id);
                });
    }

    /**
     * The request whoever asks: for the platform's own work on an exam it already holds (the report
     * and its delivery), never to answer a user, whose reads go through {@link #get} and its scope.
     */
    public Optional<RequestView> find(long id) {
        return jdbc.sql(SELECT + " where r.exam_id = :id").param("id", id).query(this::view).optional();
    }

    public RequestView cancel(long id, AccountPrincipal by, String source) {
        require(by, Role.HOSPITAL_PHYSICIAN, Role.COORDINATOR, Role.ADMIN);
        get(id, by, source);
        inTransaction(() -> {
            Instant now = clock.instant();
            exams.move(id, ExamState.CANCELLED, now, by.username(), "cancelled");
            // Images already received are not lost with the request: a coordinator sees them unmatched.
            return matcher.release(id, now, by.username(), "request cancelled");
        });
        audit.record(by.username(), "REQUEST_CANCELLED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return published(id, "cancelled");
    }

    public RequestView recordConsent(long id, ConsentUpdate u, AccountPrincipal by, String source) {
        require(by, Role.HOSPITAL_PHYSICIAN);
        RequestView request = get(id, by, source);
        checkConsent(u.status(), request.urgency(), u.trustedPersonName(), u.justification());
        if (request.state() == ExamState.CANCELLED || request.state() == ExamState.REFUSED
                || request.state() == ExamState.PURGED) {
            throw new ConflictException(null, "request.closed", "request " + id + " is closed", id);
        }
        Instant now = clock.instant();
        inTransaction(() -> {
            exams.lockState(id);
            jdbc.sql("update exam_request set consent = :consent where exam_id = :id")
                    .param("consent", u.status().name()).param("id", id).update();
            insertConsentEvent(id, u.status(), u.trustedPersonName(), u.justification(), null, null, by, now);
            // The consent gate: quarantined images are released the moment consent is given.
            if (u.status().permitsReading() && request.state() == ExamState.QUARANTINED) {
                exams.move(id, ExamState.ACQUIRING, now, by.username(), "consent " + u.status());
            }
            return null;
        });
        audit.record(by.username(), "CONSENT_RECORDED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, u.status().name());
        return published(id, "consent");
    }

    public void attachConsentDocument(long id, String contentType, byte[] bytes, AccountPrincipal by, String source) {
        require(by, Role.HOSPITAL_PHYSICIAN);
        RequestView request = get(id, by, source);
        String type = documentType(contentType, bytes);
        Instant now = clock.instant();
        String key;
        try {
            key = store.put(List.of(ObjectStore.Segment.of(bytes))).key();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the consent form", e);
        }
        insertConsentEvent(id, request.consent(), null, null, key, type, by, now);
        audit.record(by.username(), "CONSENT_DOCUMENT_ATTACHED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, type);
        published(id, "consent-document");
    }

    public RequestView answer(long id, String message, AccountPrincipal physician, String source) {
        require(physician, Role.HOSPITAL_PHYSICIAN);
        get(id, physician, source);
        String body = text(message, "message", 2000);
        Instant now = clock.instant();
        inTransaction(() -> {
            exams.move(id, ExamState.REQUESTED, now, physician.username(), "information given");
            insertMessage(id, physician, body, now);
            return null;
        });
        audit.record(physician.username(), "REQUEST_ANSWERED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return published(id, "answered");
    }

    // ---- the regulating radiologist ------------------------------------------------------------

    public List<RequestView> justificationQueue(AccountPrincipal radiologist) {
        require(radiologist, Role.RADIOLOGIST, Role.COORDINATOR, Role.ADMIN);
        return visibleTo(jdbc.sql(SELECT + " where e.state = 'REQUESTED' and " + VISIBLE
                        + " order by r.urgency, r.requested_at"), radiologist)
                .query(this::view)
                .list();
    }

    public RequestView accept(long id, String protocol, AccountPrincipal radiologist, String source) {
        require(radiologist, Role.RADIOLOGIST);
        get(id, radiologist, source);
        String text = text(protocol, "protocol", 4000);
        decide(id, ExamState.PROTOCOLED, radiologist, "protocol", text);
        audit.record(radiologist.username(), "REQUEST_ACCEPTED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return published(id, "accepted");
    }

    public RequestView askForInformation(long id, String message, AccountPrincipal radiologist, String source) {
        require(radiologist, Role.RADIOLOGIST);
        get(id, radiologist, source);
        String body = text(message, "message", 2000);
        Instant now = clock.instant();
        inTransaction(() -> {
            exams.move(id, ExamState.INFO_NEEDED, now, radiologist.username(), "information asked");
            insertMessage(id, radiologist, body, now);
            return null;
        });
        audit.record(radiologist.username(), "REQUEST_INFO_ASKED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return published(id, "info-asked");
    }

    public RequestView refuse(long id, String reason, AccountPrincipal radiologist, String source) {
        require(radiologist, Role.RADIOLOGIST);
        get(id, radiologist, source);
        String text = text(reason, "reason", 2000);
        decide(id, ExamState.REFUSED, radiologist, "refusal_reason", text);
        audit.record(radiologist.username(), "REQUEST_REFUSED", "exam:" + id, source, AuditLog.Outcome.SUCCESS, null);
        return published(id, "refused");
    }

    public List<RequestMessage> messages(long id, AccountPrincipal viewer) {
        get(id, viewer, null);
        return jdbc.sql("""
                select m.id, u.display_name as author, u.role as author_role, m.body, m.at
                from request_message m join app_user u on u.id = m.author_id
                where m.exam_id = :id order by m.at, m.id""")
                .param("id", id)
                .query((rs, n) -> new RequestMessage(rs.getLong("id"), rs.getString("author"), rs.getString("author_role"),
                        rs.getString("body"), rs.getObject("at", OffsetDateTime.class).toInstant()))
                .list();
    }

    public List<Protocol> protocols(String examTypeCode) {
        return jdbc.sql("select id, name, description from exam_type_protocol where exam_type_code = :code order by id")
                .param("code", examTypeCode)
                .query(Protocol.class)
                .list();
    }

    // ---- inner workings ------------------------------------------------------------------------

    private void decide(long id, ExamState to, AccountPrincipal radiologist, String column, String text) {
        Instant now = clock.instant();
        inTransaction(() -> {
            exams.move(id, to, now, radiologist.username(), null);
            // column is one of two constants, never user input.
            jdbc.sql("update exam_request set " + column + " = :text, decided_by = :by, decided_at = :at where exam_id = :id")
                    .param("text", text).param("by", radiologist.id()).param("at", ExamLifecycle.utc(now))
                    .param("id", id).update();
            // Images that came before the decision were held with the request: admitted with the
            // acceptance, to the unmatched list with a refusal.
            if (to == ExamState.PROTOCOLED) {
                matcher.admitHeld(id, now, radiologist.username());
            } else {
                matcher.release(id, now, radiologist.username(), "request refused");
            }
            return null;
        });
    }

    private <T> T inTransaction(Supplier<T> work) {
        try {
            return tx.execute(status -> work.get());
        } catch (fr.relais.exam.ExamStateMachine.IllegalTransitionException e) {
            throw new ConflictException(null, "request.illegalTransition", e.getMessage(), e.stateNames());
        }
    }

    /** The request as it now stands, told to the live pages. */
    RequestView published(long id, String what) {
        RequestView view = find(id).orElseThrow();
        events.publishEvent(new RequestChanged(id, view.hospitalId(), view.state(), view.urgency(), what));
        return view;
    }

    private void insertConsentEvent(long examId, ConsentStatus status, String trustedPerson, String justification,
                                    String documentKey, String documentType, AccountPrincipal by, Instant at) {
        jdbc.sql("""
                insert into consent_event (exam_id, status, trusted_person_name, justification, document_key,
                                           document_type, recorded_by, recorded_at)
                values (:exam, :status, :person, :justification, :key, :type, :by, :at)""")
                .param("exam", examId).param("status", status.name())
                .param("person", blankToNull(trustedPerson)).param("justification", blankToNull(justification))
                .param("key", documentKey).param("type", documentType)
                .param("by", by.id()).param("at", ExamLifecycle.utc(at))
                .update();
    }

    private void insertMessage(long examId, AccountPrincipal author, String body, Instant at) {
        jdbc.sql("insert into request_message (exam_id, author_id, body, at) values (:exam, :author, :body, :at)")
                .param("exam", examId).param("author", author.id()).param("body", body)
                .param("at", ExamLifecycle.utc(at)).update();
    }

    /**
     * Who sees a request, inside every query: coordinators and admins every hospital's; a hospital's
     * people their hospital's; a radiologist those of the hospitals he is authorised for; nobody else
     * (billing reads acts, not requests).
     */
    private static final String VISIBLE = """
            (:viewerRole in ('ADMIN', 'COORDINATOR')
             or (:viewerRole in ('HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST') and r.hospital_id = cast(:viewerHospital as bigint))
             or (:viewerRole = 'RADIOLOGIST' and exists (select 1 from radiologist_hospital rh
                                                        where rh.user_id = :viewerId and rh.hospital_id = r.hospital_id)))""";

    private static JdbcClient.StatementSpec visibleTo(JdbcClient.StatementSpec statement, AccountPrincipal viewer) {
        return statement.param("viewerRole", viewer.role().name()).param("viewerHospital", viewer.hospitalId())
                .param("viewerId", viewer.id());
    }

    private static void require(AccountPrincipal who, Role... roles) {
        for (Role r : roles) {
            if (who.role() == r) {
                return;
            }
        }
        throw new org.springframework.security.access.AccessDeniedException(who.role() + " may not do this");
    }

    private void checkClinicalSafety(NewRequest r, ExamType type, Instant now, ZoneId zone) {
        if (Boolean.TRUE.equals(type.contrast())) {
            if (r.creatinineUmolPerL() == null) {
                throw new InvalidInputException("creatinineUmolPerL", "request.creatinine.required",
                        "creatinine is required for an exam with contrast");
            }
            if (r.creatinineUmolPerL() < 1 || r.creatinineUmolPerL() > 3000) {
                throw new InvalidInputException("creatinineUmolPerL", "request.creatinine.range",
                        "creatinine must be between 1 and 3000 µmol/L");
            }
            if (r.contrastAllergy() == null) {
                throw new InvalidInputException("contrastAllergy", "request.contrastAllergy.required",
                        "say whether the patient is allergic to contrast");
            }
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        if (r.birthDate().isAfter(today)) {
            throw new InvalidInputException("birthDate", "request.birthDate.future", "birth date is in the future");
        }
        int age = Period.between(r.birthDate(), today).getYears();
        if ("F".equals(r.sex()) && age >= 12 && age <= 55 && r.pregnancy() == null) {
            throw new InvalidInputException("pregnancy", "request.pregnancy.required",
                    "pregnancy status is required for a woman of child-bearing age");
        }
    }

    private static void checkConsent(ConsentStatus status, Urgency urgency, String trustedPerson, String justification) {
        if (status == ConsentStatus.TRUSTED_PERSON_SIGNED && isBlank(trustedPerson)) {
            throw new InvalidInputException("trustedPersonName", "request.trustedPerson.required",
                    "name the trusted person who signed");
        }
        if (status == ConsentStatus.VITAL_EMERGENCY_WAIVER) {
            if (urgency != Urgency.P1) {
                throw new InvalidInputException("consent", "request.waiver.p1Only",
                        "consent may be waived only for a vital emergency (P1)");
            }
            if (isBlank(justification)) {
                throw new InvalidInputException("consentJustification", "request.waiver.justification",
                        "a waiver needs a written justification");
            }
        }
    }

    private static String documentType(String contentType, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidInputException("document", "request.document.empty", "the document is empty");
        }
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw new InvalidInputException("document", "request.document.tooLarge", "the document exceeds 10 MB");
        }
        // The bytes must be what the type says: the scan is opened later by people, not trusted blindly.
        boolean pdf = bytes.length > 4 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F';
        boolean jpeg = bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF;
        boolean png = bytes.length > 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
        String type = contentType == null ? "" : contentType.toLowerCase().split(";")[0].trim();
        if ((type.equals("application/pdf") && pdf) || (type.equals("image/jpeg") && jpeg) || (type.equals("image/png") && png)) {
            return type;
        }
        throw new InvalidInputException("document", "request.document.type",
                "the consent form must be a PDF, JPEG or PNG file");
    }

    private static String text(String value, String field, int max) {
        if (isBlank(value)) {
            throw new InvalidInputException(field, "request." + field + ".required", field + " is required");
        }
        if (value.length() > max) {
            throw new InvalidInputException(field, "request." + field + ".tooLong", field + " exceeds " + max + " characters", max);
        }
        return value.trim();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.trim();
    }

    private static final String SELECT = """
            select r.*, e.state, e.study_id, h.name as hospital_name, t.label_fr, t.contrast,
                   req.username as requested_by_name, dec.username as decided_by_name,
                   s.instance_count, s.last_received_at,
                   (select count(*) from series se where se.study_id = e.study_id) as series_count
            from exam_request r
            join exam e on e.id = r.exam_id
            join hospital h on h.id = r.hospital_id
            join exam_type t on t.code = r.exam_type_code
            join app_user req on req.id = r.requested_by
            left join app_user dec on dec.id = r.decided_by
            left join study s on s.id = e.study_id
            """;

    private RequestView view(ResultSet rs, int row) throws SQLException {
        OffsetDateTime decided = rs.getObject("decided_at", OffsetDateTime.class);
        OffsetDateTime lastImage = rs.getObject("last_received_at", OffsetDateTime.class);
        String pregnancy = rs.getString("pregnancy");
        Integer creatinine = (Integer) rs.getObject("creatinine_umol_l");
        Boolean allergy = (Boolean) rs.getObject("contrast_allergy");
        Long studyId = (Long) rs.getObject("study_id");
        Integer instances = (Integer) rs.getObject("instance_count");
        Integer series = studyId == null ? null : rs.getInt("series_count");
        return new RequestView(
                rs.getLong("exam_id"), ExamState.valueOf(rs.getString("state")), rs.getLong("hospital_id"),
                rs.getString("hospital_name"), rs.getString("accession_number"), rs.getString("patient_key"),
                sealer.open(FAMILY_NAME, rs.getBytes("family_name_sealed")),
                sealer.open(GIVEN_NAME, rs.getBytes("given_name_sealed")),
                LocalDate.parse(sealer.open(BIRTH_DATE, rs.getBytes("birth_date_sealed"))),
                rs.getString("sex"), rs.getString("exam_type_code"), rs.getString("label_fr"), rs.getBoolean("contrast"),
                rs.getString("clinical_context"), rs.getString("question"), Urgency.valueOf(rs.getString("urgency")),
                creatinine, allergy, pregnancy == null ? null : Pregnancy.valueOf(pregnancy),
                rs.getString("requesting_physician"), rs.getString("callback_phone"),
                ConsentStatus.valueOf(rs.getString("consent")),
                rs.getObject("requested_at", OffsetDateTime.class).toInstant(), rs.getString("requested_by_name"),
                rs.getString("protocol"), decided == null ? null : decided.toInstant(), rs.getString("decided_by_name"),
                rs.getString("refusal_reason"), studyId, series, instances, lastImage == null ? null : lastImage.toInstant());
    }
}
