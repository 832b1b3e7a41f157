package fr.relais.delivery;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.hospital.Hospital;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Zones;
import fr.relais.report.Addendum;
import fr.relais.report.AddendumSigned;
import fr.relais.report.ReportService;
import fr.relais.report.ReportSigned;
import fr.relais.report.SignedReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import fr.relais.request.RequestChanged;
import fr.relais.request.RequestService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.MessageSource;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Carries signed reports to the hospitals' systems: makes the outbox rows when a signature or an
 * addendum commits (and, in case that moment was lost, at every sweep), sends each through its
 * channel, retries with a doubling wait, and moves the exam to DELIVERED once every destination
 * acknowledged the signed report (a hospital with none keeps it REPORTED: the portal serves it). Deliveries that need a person raise the alarm (log, metric,
 * coordinators' page).
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);
    /** How far back the sweep looks for signed texts without their deliveries. */
    static final Duration SWEEP_WINDOW = Duration.ofDays(7);
    /** The sweep is the safety net behind the events: once a minute is plenty. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final DeliveryOutbox outbox;
    private final ReportService reports;
    private final HospitalService hospitals;
    private final MessageSource messages;
    private final ExamLifecycle lifecycle;
    private final TransactionTemplate tx;
    private final DeliverySettings settings;
    private final Clock clock;
    private final RequestService requests;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Map<Destination.Kind, Channel> channels = new EnumMap<>(Destination.Kind.class);
    private final Zones zones;
    private volatile Runnable wake = () -> { };
    private volatile Instant lastSweep = Instant.MIN;

    DeliveryService(DeliveryOutbox outbox, ReportService reports, HospitalService hospitals, MessageSource messages,
                    ExamLifecycle lifecycle, TransactionTemplate tx, DeliverySettings settings, Clock clock,
                    List<Channel> channels, MeterRegistry meters, RequestService requests,
                    ApplicationEventPublisher events, AuditLog audit, Zones zones) {
        this.audit = audit;
        this.requests = requests;
        this.events = events;
        this.outbox = outbox;
        this.reports = reports;
        this.hospitals = hospitals;
        this.messages = messages;
        this.lifecycle = lifecycle;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock;
        channels.forEach(c -> this.channels.put(c.kind(), c));
        Gauge.builder("relais.delivery.alarms", this, s -> s.alarms())
                .description("report deliveries refused, or not acknowledged within relais.delivery.alarm-after")
                .register(meters);
        Gauge.builder("relais.delivery.unreached", this, s -> s.unreached())
                .description("signed texts of the last 7 days whose every delivery was cancelled (destination disabled)")
                .register(meters);
        this.zones = zones;
    }

    void onWake(Runnable wake) {
        this.wake = wake;
    }

    @EventListener
    void signed(ReportSigned event) {
        // A hospital without a system to push to reads the report in its portal or over FHIR; the
        // exam stays REPORTED, DELIVERED meaning acknowledged by every system the hospital declared.
        enqueue(justBefore(event.signedAt()));
        wake.run();
    }

    @EventListener
    void addendum(AddendumSigned event) {
        enqueue(justBefore(event.signedAt()));
        wake.run();
    }

    /** The event's moment has nanoseconds the database rounded away: look from a little before. */
    private static Instant justBefore(Instant at) {
        return at.minusSeconds(1);
    }

    /** Makes the deliveries missing since {@code since} (the event's moment, or the sweep window). */
    int enqueue(Instant since) {
        return tx.execute(status -> outbox.enqueueMissing(since, clock.instant()));
    }

    /** One round of the worker: sweep, then lease at most {@code capacity} deliveries that are due. */
    List<DeliveryOutbox.Job> due(int capacity) {
        Instant now = clock.instant();
        if (lastSweep.isBefore(now.minus(SWEEP_EVERY))) {
            enqueue(now.minus(SWEEP_WINDOW));
            lastSweep = now;
        }
        return capacity <= 0 ? List.of() : tx.execute(status -> outbox.take(capacity, now, settings.lease()));
    }

    void deliver(DeliveryOutbox.Job job) {
        Channel channel = channels.get(job.destination().kind());
        try {
            ReportDocument document = document(job.reportId(), job.addendumId());
            byte[] pdf = ReportPdf.render(document);
            channel.send(job.destination(), document, pdf, job.messageId());
            outbox.delivered(job.id(), clock.instant());
            log.info("delivery {} of report {} to {} acknowledged (attempt {})", job.id(), job.reportId(),
                    job.destination().label(), job.attempts());
            if (job.addendumId() == null && outbox.signatureDelivered(job.reportId())) {
                markDelivered(job.examId(), job.reportId());
            }
        } catch (DeliveryFailure e) {
            if (e.permanent()) {
                outbox.rejected(job.id(), e.getMessage());
                log.error("ALARM delivery {} of report {} to {} refused for good: {}", job.id(), job.reportId(),
                        job.destination().label(), e.getMessage());
            } else {
                Duration wait = settings.backoff(job.attempts());
                outbox.retryLater(job.id(), e.getMessage(), clock.instant().plus(wait));
                log.warn("delivery {} of report {} to {} failed (attempt {}), next in {}: {}", job.id(), job.reportId(),
                        job.destination().label(), job.attempts(), wait, e.getMessage());
            }
        } catch (RuntimeException e) {
            outbox.retryLater(job.id(), "internal error: " + e.getClass().getSimpleName(),
                    clock.instant().plus(settings.backoff(job.attempts())));
            log.error("delivery {} of report {} failed inside Relais", job.id(), job.reportId(), e);
        }
    }

    /** The signed report as it was at this revision: the signature alone, or with its addenda up to this one. */
    ReportDocument document(long reportId, Long addendumId) {
        SignedReport whole = reports.signedReport(reportId);
        List<Addendum> addenda = whole.addenda();
        int upTo = 0;
        if (addendumId != null) {
            while (upTo < addenda.size() && addenda.get(upTo).id() != addendumId) {
                upTo++;
            }
            upTo = Math.min(upTo + 1, addenda.size());
        }
        return document(whole.withAddenda(addenda.subList(0, upTo)));
    }

    private ReportDocument document(SignedReport r) {
        String critical = r.criticalCategory() == null ? null
                : messages.getMessage("critical." + r.criticalCategory().name(), null, r.criticalCategory().name(), Locale.FRENCH);
        Hospital hospital = hospitals.get(r.request().hospitalId());
        return new ReportDocument(r, hospital, critical, zones.hospital(hospital.timeZone()));
    }

    /** The PDF of a signed report as the caller already read it, with all its addenda, for downloads. */
    public byte[] pdf(SignedReport report) {
        return ReportPdf.render(document(report));
    }

    private void markDelivered(long examId, long reportId) {
        Boolean moved = tx.execute(status -> {
            if (lifecycle.lockState(examId).orElse(null) != ExamState.REPORTED) {
                return false;
            }
            lifecycle.move(examId, ExamState.DELIVERED, clock.instant(), ExamLifecycle.SYSTEM, "report " + reportId + " delivered");
            return true;
        });
        if (Boolean.TRUE.equals(moved)) {
            // The hospital's page follows its request live.
            requests.find(examId).ifPresent(r -> events.publishEvent(
                    new RequestChanged(examId, r.hospitalId(), ExamState.DELIVERED, r.urgency(), "delivered")));
        }
    }

    /**
     * After a destination was closed (in the caller's transaction): each cancelled delivery is
     * audited on its exam, and a report that some other destination acknowledged and none still owes
     * is now DELIVERED.
     */
    void cancelled(List<DeliveryOutbox.Cancelled> cancelled, String actor, String source, String reason) {
        for (DeliveryOutbox.Cancelled c : cancelled) {
            audit.record(actor, "DELIVERY_CANCELLED", "exam:" + c.examId(), source, AuditLog.Outcome.SUCCESS,
                    "delivery " + c.id() + " of report " + c.reportId() + (c.addendumId() == null ? "" : " addendum " + c.addendumId())
                            + ": " + reason);
        }
        Map<Long, Long> examOfReport = new java.util.LinkedHashMap<>();
        cancelled.stream().filter(c -> c.addendumId() == null).forEach(c -> examOfReport.put(c.reportId(), c.examId()));
        examOfReport.forEach((report, exam) -> {
            if (outbox.signatureDelivered(report)) {
                markDelivered(exam, report);
            }
        });
    }

    int unreached() {
        return outbox.unreached(clock.instant().minus(SWEEP_WINDOW));
    }

    /** Deliveries refused, or not acknowledged within relais.delivery.alarm-after (the gauge relais_delivery_alarms). */
    public int alarms() {
        return outbox.late(clock.instant().minus(settings.alarmAfter()));
    }

    /** The deliveries of one exam's report, for its hospital's pages. */
    public List<DeliveryStatus> ofExam(long examId) {
        return rows(null, examId);
    }

    List<DeliveryStatus> rows(Long hospitalId, Long examId) {
        return outbox.rows(hospitalId, examId, clock.instant().minus(settings.alarmAfter()), 200);
    }

    boolean retryNow(long deliveryId) {
        boolean done = outbox.retryNow(deliveryId, clock.instant());
        wake.run();
        return done;
    }

    /** Why a destination did not answer a connection test, as the operator is told it. */
    public enum Trouble { NOTHING_LISTENING, NO_ANSWER_IN_TIME, UNKNOWN_HOST, NETWORK, REFUSED }

    /** The result of a connection test: whether the destination answered, what, and how long it took; trouble: why not. */
    public record ConnectionTest(boolean answered, String detail, long millis, Trouble trouble) {}

    /** Asks the destination whether it answers, giving it nothing to file; audited, never retried. */
    public ConnectionTest test(Destination destination, String actor, String source) {
        long start = System.nanoTime();
        ConnectionTest result;
        try {
            String answer = channels.get(destination.kind()).test(destination);
            result = new ConnectionTest(true, answer, (System.nanoTime() - start) / 1_000_000, null);
        } catch (DeliveryFailure e) {
            result = new ConnectionTest(false, e.getMessage(), (System.nanoTime() - start) / 1_000_000, trouble(e));
        }
        audit.record(actor, "DESTINATION_TESTED", "hospital:" + destination.hospitalId(), source,
                result.answered() ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILED,
                "destination " + destination.id() + ": " + result.detail());
        return result;
    }

    private static Trouble trouble(DeliveryFailure failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof java.net.ConnectException) {
            return Trouble.NOTHING_LISTENING;
        }
        if (cause instanceof java.net.SocketTimeoutException) {
            return Trouble.NO_ANSWER_IN_TIME;
        }
        if (cause instanceof java.net.UnknownHostException) {
            return Trouble.UNKNOWN_HOST;
        }
        return cause instanceof java.io.IOException ? Trouble.NETWORK : Trouble.REFUSED;
    }
}
