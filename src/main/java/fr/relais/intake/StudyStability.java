package fr.relais.intake;

import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamReady;
import fr.relais.exam.ExamState;
import fr.relais.platform.RelaisProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A study is complete when nothing has arrived for relais.intake.stable-seconds: its exam becomes
 * READY and {@link ExamReady} is published. Several application instances may run this at once
 * (SKIP LOCKED); each exam moves once.
 */
@Component
class StudyStability {

    private record Candidate(long examId, long hospitalId, long studyId) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ExamLifecycle exams;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final int stableSeconds;

    StudyStability(JdbcClient jdbc, TransactionTemplate tx, ExamLifecycle exams, ApplicationEventPublisher events,
                   Clock clock, RelaisProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.exams = exams;
        this.events = events;
        this.clock = clock;
        this.stableSeconds = properties.intake().stableSeconds();
    }

    @Scheduled(fixedDelayString = "${relais.intake.check-millis:500}")
    void promoteStableStudies() {
        Instant now = clock.instant();
        List<Candidate> ready = tx.execute(status -> {
            List<Candidate> candidates = jdbc.sql("""
                    select e.id as exam_id, e.hospital_id, e.study_id
                    from exam e join study s on s.id = e.study_id
                    where e.state = 'ACQUIRING' and s.last_received_at <= :cutoff
                    order by s.last_received_at
                    limit 200
                    for update of e skip locked""")
                    .param("cutoff", OffsetDateTime.ofInstant(now.minusSeconds(stableSeconds), ZoneOffset.UTC))
                    .query(Candidate.class)
                    .list();
            List<Long> moved = exams.transition(candidates.stream().map(Candidate::examId).toList(),
                    ExamState.ACQUIRING, ExamState.READY, now, ExamLifecycle.SYSTEM);
            return candidates.stream().filter(c -> moved.contains(c.examId())).toList();
        });
        for (Candidate c : ready) {
            events.publishEvent(new ExamReady(c.examId(), c.hospitalId(), c.studyId(), now));
        }
    }
}
