package fr.relais.prior;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The fetches of priors (table prior_fetch) and the studies chosen for each (prior_study): what
 * the fetcher records, the DICOM door checks and the viewer shows.
 */
@Repository
public class PriorFetches {

    /** The state of an exam's fetch, as the viewer shows it; reason in French. */
    public record FetchState(String state, Integer found, int fetched, String reason, Instant updatedAt) {}

    /** A fetch that is due, claimed for a while (the lease) so that no other worker takes it. */
    record Due(long examId, long hospitalId, int attempts) {}

    private final JdbcClient jdbc;

    PriorFetches(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A pending fetch for the exam, once; false when there was one already. */
    boolean enqueue(long examId, long hospitalId, Instant now) {
        return jdbc.sql("""
                insert into prior_fetch (exam_id, hospital_id, state, next_attempt_at, created_at, updated_at)
                values (:exam, :hospital, 'PENDING', :now, :now, :now) on conflict (exam_id) do nothing""")
                .param("exam", examId).param("hospital", hospitalId).param("now", utc(now)).update() == 1;
    }

    /** The next due fetch, its next attempt put off by the lease meanwhile. */
    Optional<Due> claim(Instant now, java.time.Duration lease) {
        return jdbc.sql("""
                update prior_fetch f set next_attempt_at = :until
                where f.exam_id = (select exam_id from prior_fetch where state = 'PENDING' and next_attempt_at <= :now
                                   order by next_attempt_at limit 1 for update skip locked)
                returning f.exam_id, f.hospital_id, f.attempts""")
                .param("now", utc(now)).param("until", utc(now.plus(lease)))
                .query(Due.class).optional();
    }

    void chose(long examId, long hospitalId, String studyUid, LocalDate studyDate, String description) {
        jdbc.sql("""
                insert into prior_study (exam_id, hospital_id, study_uid, study_date, description)
                values (:exam, :hospital, :uid, :date, :description) on conflict (exam_id, study_uid) do nothing""")
                .param("exam", examId).param("hospital", hospitalId).param("uid", studyUid).param("date", studyDate)
                .param("description", description == null || description.isEmpty() ? null
                        : description.substring(0, Math.min(64, description.length())))
                .update();
    }

    void arrived(long examId, String studyUid, long studyId) {
        jdbc.sql("update prior_study set study_id = :study where exam_id = :exam and study_uid = :uid")
                .param("study", studyId).param("exam", examId).param("uid", studyUid).update();
    }

    List<String> chosen(long examId) {
        return jdbc.sql("select study_uid from prior_study where exam_id = :exam order by study_date desc nulls last")
                .param("exam", examId).query(String.class).list();
    }

    void fetched(long examId, int found, int fetched, Instant now) {
        jdbc.sql("""
                update prior_fetch set state = 'FETCHED', attempts = attempts + 1, found = :found, fetched = :fetched,
                                       reason = null, updated_at = :now where exam_id = :exam""")
                .param("found", found).param("fetched", fetched).param("now", utc(now)).param("exam", examId).update();
    }

    /** An attempt failed: tried again at {@code retryAt}, or FAILED for good when that is null. */
    void attemptFailed(long examId, String reason, int fetched, Instant now, Instant retryAt) {
        jdbc.sql("""
                update prior_fetch set state = :state, attempts = attempts + 1, reason = :reason, fetched = :fetched,
                                       next_attempt_at = coalesce(:retry, next_attempt_at), updated_at = :now
                where exam_id = :exam""")
                .param("state", retryAt == null ? "FAILED" : "PENDING").param("reason", reason)
                .param("fetched", fetched).param("retry", retryAt == null ? null : utc(retryAt))
                .param("now", utc(now)).param("exam", examId).update();
    }

    /** Whether the hospital's PACS may send this study now: chosen for an exam whose fetch is under way. */
    boolean awaited(long hospitalId, String studyUid) {
        return jdbc.sql("""
                select exists (select 1 from prior_study p join prior_fetch f on f.exam_id = p.exam_id
                               where p.hospital_id = :hospital and p.study_uid = :uid and f.state = 'PENDING')""")
                .param("hospital", hospitalId).param("uid", studyUid).query(Boolean.class).single();
    }

    /** The exam's fetch, if one was asked (the hospital has a PACS). */
    public Optional<FetchState> stateOf(long examId) {
        return jdbc.sql("select state, found, fetched, reason, updated_at from prior_fetch where exam_id = :exam")
                .param("exam", examId)
                .query((rs, n) -> new FetchState(rs.getString("state"), (Integer) rs.getObject("found"),
                        rs.getInt("fetched"), rs.getString("reason"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
