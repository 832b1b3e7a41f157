package fr.relais.request;

import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamState;
import fr.relais.platform.RelaisProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Images held with a request still waiting for its decision do not wait for ever: when consent
 * has not come within the quarantine delay (relais.consent.quarantine-hours), they go to the
 * unmatched list, where a coordinator attaches or rejects them (their pixels stay hidden there).
 * An accepted request without consent quarantines its images instead ({@code ImagePurge}).
 */
@Component
class HeldStudies {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final StudyMatcher matcher;
    private final Clock clock;
    private final Duration delay;

    HeldStudies(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, StudyMatcher matcher, Clock clock,
                RelaisProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.matcher = matcher;
        this.clock = clock;
        this.delay = Duration.ofHours(properties.consent().quarantineHours());
    }

    @Scheduled(fixedDelayString = "${relais.consent.purge-check-millis:60000}")
    void releaseExpiredNow() {
        releaseExpired(clock.instant());
    }

    /** Releases the held studies whose request has no consent after the delay at {@code now}; returns how many. */
    int releaseExpired(Instant now) {
        String stillHeld = """
                select e.id from exam e join exam_request r on r.exam_id = e.id join study s on s.id = e.study_id
                where e.state in ('REQUESTED', 'INFO_NEEDED') and r.consent = 'PENDING'
                  and s.first_received_at <= :cutoff""";
        List<Long> expired = jdbc.sql(stillHeld).param("cutoff", ExamLifecycle.utc(now.minus(delay)))
                .query(Long.class).list();
        int released = 0;
        for (long examId : expired) {
            // Checked again under the lock: the request may have been decided, or consent given, meanwhile.
            boolean done = Boolean.TRUE.equals(tx.execute(status -> {
                ExamState state = exams.lockState(examId).orElse(null);
                boolean still = (state == ExamState.REQUESTED || state == ExamState.INFO_NEEDED)
                        && jdbc.sql(stillHeld + " and e.id = :id").param("cutoff", ExamLifecycle.utc(now.minus(delay)))
                        .param("id", examId).query(Long.class).optional().isPresent();
                return still && matcher.release(examId, now, ExamLifecycle.SYSTEM,
                        "no consent within " + delay.toHours() + " h").isPresent();
            }));
            released += done ? 1 : 0;
        }
        return released;
    }
}
