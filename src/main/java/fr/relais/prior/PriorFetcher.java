package fr.relais.prior;

import fr.relais.audit.AuditLog;
import fr.relais.dicom.StudyQuery;
import fr.relais.dicom.StudyQuery.StudyFound;
import fr.relais.dicom.Uids;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.PacsSettings;
import fr.relais.intake.IntakeService;
import fr.relais.platform.RelaisProperties;
import fr.relais.platform.Zones;
import fr.relais.request.PatientIdentity;
import fr.relais.request.RequestChanged;
import fr.relais.request.RequestService;
import fr.relais.request.RequestView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Fetches an accepted request's priors from its hospital's PACS, in the background (the acceptance
 * never waits): a C-FIND at study level by the patient's ID over the configured years, keeping the
 * studies of the same patient (identity as the request gives it), of the requested body region,
 * the latest first up to the configured number; then a C-MOVE of each to Relais, whose DICOM door
 * takes them as priors ({@link PriorDoor}). Tried a bounded number of times with a growing delay;
 * the state per request (pending, fetched N, failed with its reason in French) is recorded for the
 * viewer, and each attempt is audited.
 */
@Service
public class PriorFetcher {

    private static final Logger log = LoggerFactory.getLogger(PriorFetcher.class);

    /** A claimed fetch is left alone this long by the other workers (a long C-MOVE included). */
    private static final Duration LEASE = Duration.ofMinutes(15);

    private final PriorFetches fetches;
    private final HospitalDirectory hospitals;
    private final RequestService requests;
    private final IntakeService intake;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Zones zones;
    private final Clock clock;
    private final String ourAe;
    private final int attempts;
    private final Duration retry;
    private final Duration timeout;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prior-fetch");
        t.setDaemon(true);
        return t;
    });

    PriorFetcher(PriorFetches fetches, HospitalDirectory hospitals, RequestService requests, IntakeService intake,
                 JdbcClient jdbc, AuditLog audit, Zones zones, Clock clock, RelaisProperties properties,
                 @Value("${relais.priors.attempts:3}") int attempts,
                 @Value("${relais.priors.retry:1m}") Duration retry,
                 @Value("${relais.priors.timeout:30s}") Duration timeout) {
        this.fetches = fetches;
        this.hospitals = hospitals;
        this.requests = requests;
        this.intake = intake;
        this.jdbc = jdbc;
        this.audit = audit;
        this.zones = zones;
        this.clock = clock;
        this.ourAe = properties.dicom().ae();
        this.attempts = Math.max(1, attempts);
        this.retry = retry;
        this.timeout = timeout;
    }

    /** A request accepted at a hospital with a PACS: its fetch is queued, and started at once in the background. */
    @EventListener
    public void onRequestChanged(RequestChanged changed) {
        if (changed.state() != ExamState.PROTOCOLED || !"accepted".equals(changed.what())) {
            return;
        }
        if (hospitals.pacsOf(changed.hospitalId()).isPresent()
                && fetches.enqueue(changed.examId(), changed.hospitalId(), clock.instant())) {
            kick();
        }
    }

    /** Requests accepted while no instance listened (a restart) are queued too; due fetches run. */
    @Scheduled(fixedDelayString = "${relais.priors.poll:10s}", initialDelayString = "${relais.priors.poll:10s}")
    void poll() {
        try {
            catchUp();
            runDue();
        } catch (RuntimeException e) {
            log.warn("priors: the fetch of priors failed, trying again at the next poll: {}", e.toString());
        }
    }

    private void kick() {
        try {
            worker.execute(() -> {
                try {
                    runDue();
                } catch (RuntimeException e) {
                    log.warn("priors: the fetch of priors failed, trying again at the next poll: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // the next instance's poll takes it
        }
    }

    private void catchUp() {
        record Missed(long examId, long hospitalId) {}
        jdbc.sql("""
                select e.id as exam_id, e.hospital_id from exam e join exam_request r on r.exam_id = e.id
                join hospital_pacs p on p.hospital_id = e.hospital_id
                where e.state in ('PROTOCOLED', 'ACQUIRING', 'READY', 'IN_READING') and r.decided_at >= :since
                  and not exists (select 1 from prior_fetch f where f.exam_id = e.id)""")
                .param("since", ExamLifecycle.utc(clock.instant().minus(Duration.ofDays(1))))
                .query(Missed.class).list()
                .forEach(m -> fetches.enqueue(m.examId(), m.hospitalId(), clock.instant()));
    }

    /** Runs every due fetch, one after the other; the number run. */
    public synchronized int runDue() {
        int run = 0;
        Optional<PriorFetches.Due> due;
        while ((due = fetches.claim(clock.instant(), LEASE)).isPresent()) {
            fetch(due.get());
            run++;
        }
        return run;
    }

    private void fetch(PriorFetches.Due due) {
        long examId = due.examId();
        int fetched = 0;
        try {
            RequestView request = requests.find(examId).orElseThrow(() -> new Failure("la demande n'existe plus"));
            PacsSettings pacs = hospitals.pacsOf(due.hospitalId())
                    .orElseThrow(() -> new Failure("l'hôpital n'a plus de PACS configuré"));
            String bodyRegion = jdbc.sql("select body_region from exam_type where code = :c")
                    .param("c", request.examTypeCode()).query(String.class).optional().orElse(null);
            String currentStudy = request.studyId() == null ? null
                    : jdbc.sql("select study_uid from study where id = :id").param("id", request.studyId())
                    .query(String.class).optional().orElse(null);
            LocalDate since = LocalDate.now(clock.withZone(zones.hospital(due.hospitalId()))).minusYears(pacs.maxYears());
            try (StudyQuery.Session pacsSession = new StudyQuery(pacs.host(), pacs.port(), ourAe, pacs.aeTitle(), timeout).open()) {
                List<StudyFound> found = pacsSession.studies(request.patientId(), since);
                List<StudyFound> chosen = choose(found, request, bodyRegion, currentStudy, pacs);
                for (StudyFound s : chosen) {
                    fetches.chose(examId, due.hospitalId(), s.studyInstanceUid(), s.studyDate(), s.description());
                }
                List<String> missing = new ArrayList<>();
                for (StudyFound s : chosen) {
                    Optional<Long> here = intake.storedStudy(due.hospitalId(), s.studyInstanceUid());
                    if (here.isEmpty()) {
                        pacsSession.move(s.studyInstanceUid(), ourAe);
                        here = intake.storedStudy(due.hospitalId(), s.studyInstanceUid());
                    }
                    if (here.isPresent()) {
                        fetches.arrived(examId, s.studyInstanceUid(), here.get());
                        fetched++;
                    } else {
                        missing.add(s.studyInstanceUid());
                    }
                }
                if (!missing.isEmpty()) {
                    throw new Failure(missing.size() + " antériorité(s) sur " + chosen.size()
                            + " annoncée(s) par le PACS ne sont pas arrivées");
                }
                fetches.fetched(examId, chosen.size(), fetched, clock.instant());
                audit.record(ExamLifecycle.SYSTEM, "PRIORS_FETCHED", "exam:" + examId, pacs.aeTitle(),
                        AuditLog.Outcome.SUCCESS, found.size() + " studies found on " + pacs.aeTitle() + ", "
                                + chosen.size() + " chosen, " + fetched + " here");
            }
        } catch (Failure | IOException | RuntimeException e) {
            failed(due, fetched, reason(e), e);
        }
    }

    /** Same patient, earlier than this exam, of its body region, newest first, as many as configured. */
    static List<StudyFound> choose(List<StudyFound> found, RequestView request, String bodyRegion, String currentStudy,
                                   PacsSettings pacs) {
        PatientIdentity wanted = request.identity();
        return found.stream()
                .filter(s -> Uids.isValidUid(s.studyInstanceUid()) && !s.studyInstanceUid().equals(currentStudy))
                .filter(s -> s.accessionNumber().isEmpty() || !s.accessionNumber().equals(request.accessionNumber()))
                .filter(s -> new PatientIdentity(s.patientId(), s.patientName(), s.birthDate(), s.sex())
                        .differencesFrom(wanted).isEmpty())
                .filter(s -> PriorRelevance.relevant(pacs.relevance(), bodyRegion, s.description()))
                .sorted(Comparator.comparing(StudyFound::studyDate, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(pacs.maxPriors())
                .toList();
    }

    private void failed(PriorFetches.Due due, int fetched, String reason, Exception e) {
        int attempt = due.attempts() + 1;
        Instant now = clock.instant();
        Instant retryAt = attempt >= attempts ? null : now.plus(retry.multipliedBy(attempt));
        fetches.attemptFailed(due.examId(), reason, fetched, now, retryAt);
        audit.record(ExamLifecycle.SYSTEM, "PRIORS_FETCH_FAILED", "exam:" + due.examId(), null, AuditLog.Outcome.FAILED,
                "attempt " + attempt + "/" + attempts + (retryAt == null ? ", given up: " : ", tried again: ") + e);
        log.info("priors of exam {}: attempt {}/{} failed: {}", due.examId(), attempt, attempts, e.toString());
    }

    /** What a person reads in the viewer, in French. */
    static String reason(Exception e) {
        if (e instanceof Failure f) {
            return capitalised(f.getMessage());
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "Le PACS de l'hôpital ne répond pas (connexion refusée)";
        }
        if (e instanceof UnknownHostException) {
            return "L'adresse du PACS de l'hôpital est inconnue";
        }
        if (e instanceof SocketTimeoutException) {
            return "Le PACS de l'hôpital n'a pas répondu à temps";
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith("association rejected")) {
            return "Le PACS de l'hôpital a refusé l'association de Relais";
        }
        if (e instanceof StudyQuery.PacsException) {
            return "Le PACS de l'hôpital a répondu par une erreur (" + message + ")";
        }
        return "Échec de la récupération auprès du PACS";
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A failure described for the viewer (in French). */
    static final class Failure extends Exception {
        Failure(String reason) {
            super(reason);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
