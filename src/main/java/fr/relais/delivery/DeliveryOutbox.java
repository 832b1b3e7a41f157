package fr.relais.delivery;

import fr.relais.exam.ExamLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The outbox of report deliveries, in the database so that no signed report is lost to a crash:
 * rows are made for each destination of the hospital, taken by one sender at a time (SKIP LOCKED,
 * with a lease that a crashed sender lets expire), and closed on acknowledgement.
 */
@Repository
class DeliveryOutbox {

    /** A delivery taken for sending. */
    record Job(long id, long reportId, Long addendumId, long examId, Destination destination, int attempts,
               String messageId) {}

    private final JdbcClient jdbc;

    DeliveryOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Makes the missing deliveries of signed texts since {@code since}: the signature of each report
     * and each addendum, to each enabled destination of its hospital. Returns how many were made.
     */
    int enqueueMissing(Instant since, Instant now) {
        List<long[]> missing = jdbc.sql("""
                select r.id as report_id, null::bigint as addendum_id, d.id as destination_id, d.kind
                from report r join exam e on e.id = r.exam_id
                join report_destination d on d.hospital_id = e.hospital_id and d.enabled
                where r.state = 'SIGNED' and r.signed_at >= :since
                  and (d.enabled_since is null or r.signed_at >= d.enabled_since)
                  and not exists (select 1 from report_delivery x where x.report_id = r.id and x.addendum_id is null
                                  and x.destination_id = d.id)
                union all
                select a.report_id, a.id, d.id, d.kind
                from report_addendum a join report r on r.id = a.report_id join exam e on e.id = r.exam_id
                join report_destination d on d.hospital_id = e.hospital_id and d.enabled
                where a.signed_at >= :since
                  and (d.enabled_since is null or a.signed_at >= d.enabled_since)
                  and not exists (select 1 from report_delivery x where x.report_id = a.report_id and x.addendum_id = a.id
                                  and x.destination_id = d.id)""")
                .param("since", ExamLifecycle.utc(since))
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getObject(2) == null ? -1 : rs.getLong(2), rs.getLong(3),
                        "DICOM_STORE".equals(rs.getString(4)) ? 1 : 0})
                .list();
        int made = 0;
        for (long[] m : missing) {
            made += jdbc.sql("""
                    insert into report_delivery (report_id, addendum_id, destination_id, next_attempt_at, created_at, message_id)
                    values (:report, :addendum, :destination, :now, :now, :message)
                    on conflict do nothing""")
                    .param("report", m[0]).param("addendum", m[1] < 0 ? null : m[1]).param("destination", m[2])
                    .param("now", ExamLifecycle.utc(now)).param("message", messageId(m[3] == 1))
                    .update();
        }
        return made;
    }

    /**
     * Up to {@code limit} deliveries that are due, or whose sender's lease ran out, now leased to the
     * caller. The statement that claims a row checks its destination in the same breath: a row of a
     * destination disabled meanwhile is cancelled, never sent.
     */
    List<Job> take(int limit, Instant now, Duration lease) {
        return jdbc.sql("""
                with due as (select id from report_delivery
                             where (state = 'PENDING' and next_attempt_at <= :now)
                                or (state = 'SENDING' and lease_until < :now)
                             order by next_attempt_at limit :limit for update skip locked),
                closed as (update report_delivery x set state = 'CANCELLED', lease_until = null, cancelled_at = :now,
                                  cancelled_by = coalesce(d.disabled_by, 'system'),
                                  cancel_reason = 'destination disabled by ' || coalesce(d.disabled_by, 'system')
                                                  || ' at ' || to_char(coalesce(d.disabled_at, :now) at time zone 'UTC',
                                                                       'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                           from due, report_destination d
                           where x.id = due.id and d.id = x.destination_id and not d.enabled)
                update report_delivery x set state = 'SENDING', attempts = x.attempts + 1, lease_until = :lease
                from due, report_destination d, report r, exam e
                where x.id = due.id and d.id = x.destination_id and d.enabled
                  and r.id = x.report_id and e.id = r.exam_id
                returning x.id, x.report_id, x.addendum_id, e.id as exam_id, x.attempts, x.message_id,
                          d.id as destination_id, d.hospital_id, d.kind, d.label, d.host, d.port, d.remote_name, d.enabled""")
                .param("now", ExamLifecycle.utc(now)).param("lease", ExamLifecycle.utc(now.plus(lease)))
                .param("limit", limit)
                .query((rs, n) -> new Job(rs.getLong("id"), rs.getLong("report_id"), (Long) rs.getObject("addendum_id"),
                        rs.getLong("exam_id"),
                        new Destination(rs.getLong("destination_id"), rs.getLong("hospital_id"),
                                Destination.Kind.valueOf(rs.getString("kind")), rs.getString("label"), rs.getString("host"),
                                rs.getInt("port"), rs.getString("remote_name"), rs.getBoolean("enabled")),
                        rs.getInt("attempts"), rs.getString("message_id")))
                .list();
    }

    /** Acknowledged: recorded even when the destination was disabled while this send was in flight, for it did arrive. */
    void delivered(long id, Instant now) {
        jdbc.sql("""
                update report_delivery set state = 'DELIVERED', delivered_at = :now, lease_until = null, last_error = null
                where id = :id""").param("id", id).param("now", ExamLifecycle.utc(now)).update();
    }

    /** Not acknowledged: due again later, unless cancelled while in flight (then only the error is kept). */
    void retryLater(long id, String error, Instant next) {
        jdbc.sql("""
                update report_delivery set state = case when state = 'SENDING' then 'PENDING' else state end,
                       next_attempt_at = case when state = 'SENDING' then :next else next_attempt_at end,
                       lease_until = null, last_error = :error
                where id = :id and state in ('SENDING', 'CANCELLED')""")
                .param("id", id).param("next", ExamLifecycle.utc(next)).param("error", truncate(error)).update();
    }

    void rejected(long id, String error) {
        jdbc.sql("""
                update report_delivery set state = case when state = 'SENDING' then 'REJECTED' else state end,
                       lease_until = null, last_error = :error
                where id = :id and state in ('SENDING', 'CANCELLED')""")
                .param("id", id).param("error", truncate(error)).update();
    }

    /** A cancelled delivery: which report it carried. */
    record Cancelled(long id, long reportId, Long addendumId, long examId) {}

    /**
     * Ends every undelivered delivery to this destination (queued, waiting for a retry, refused, or
     * in flight: a sender's late answer then changes only its error), in the caller's transaction.
     */
    List<Cancelled> cancelFor(long destinationId, String actor, String reason, Instant now) {
        return jdbc.sql("""
                update report_delivery x set state = 'CANCELLED', lease_until = null, cancelled_at = :now,
                       cancelled_by = :actor, cancel_reason = :reason
                from report r
                where x.destination_id = :d and x.state in ('PENDING', 'SENDING', 'REJECTED') and r.id = x.report_id
                returning x.id, x.report_id, x.addendum_id, r.exam_id""")
                .param("d", destinationId).param("actor", actor).param("reason", truncate(reason))
                .param("now", ExamLifecycle.utc(now))
                .query((rs, n) -> new Cancelled(rs.getLong(1), rs.getLong(2), (Long) rs.getObject(3), rs.getLong(4)))
                .list();
    }

    /**
     * A coordinator sends a refused, late or cancelled delivery again, now; a cancelled one only
     * when its destination is enabled again.
     */
    boolean retryNow(long id, Instant now) {
        return jdbc.sql("""
                update report_delivery x set state = 'PENDING', next_attempt_at = :now,
                       cancelled_at = null, cancelled_by = null, cancel_reason = null
                where x.id = :id and (x.state in ('PENDING', 'REJECTED')
                      or x.state = 'CANCELLED' and exists (select 1 from report_destination d
                                                           where d.id = x.destination_id and d.enabled))""")
                .param("id", id).param("now", ExamLifecycle.utc(now)).update() == 1;
    }

    /**
     * Whether the signature (not addenda) of this report is acknowledged by a destination and owed
     * to no other (a cancelled delivery is owed to nobody).
     */
    boolean signatureDelivered(long reportId) {
        return jdbc.sql("""
                select exists (select 1 from report_delivery
                               where report_id = :r and addendum_id is null and state = 'DELIVERED')
                   and not exists (select 1 from report_delivery
                                   where report_id = :r and addendum_id is null and state not in ('DELIVERED', 'CANCELLED'))""")
                .param("r", reportId).query(Boolean.class).single();
    }

    /** Deliveries of one exam, or the undelivered and recent ones of every hospital (hospitalId, examId null). */
    List<DeliveryStatus> rows(Long hospitalId, Long examId, Instant lateBefore, int limit) {
        return jdbc.sql("""
                select * from (
                select x.id, x.report_id, e.id as exam_id, q.accession_number, h.name as hospital_name, d.label, d.kind,
                       x.state, x.attempts, x.created_at, x.next_attempt_at, x.delivered_at, x.last_error, x.addendum_id,
                       x.cancelled_at, x.cancelled_by, x.cancel_reason, d.enabled as destination_enabled,
                       -- a cancelled text that no other destination of its hospital got or still owes
                       x.state = 'CANCELLED' and not exists (
                           select 1 from report_delivery y where y.report_id = x.report_id
                           and y.addendum_id is not distinct from x.addendum_id and y.state <> 'CANCELLED') as unreached
                from report_delivery x join report_destination d on d.id = x.destination_id
                join report r on r.id = x.report_id join exam e on e.id = r.exam_id join hospital h on h.id = e.hospital_id
                left join exam_request q on q.exam_id = e.id
                where (cast(:hospital as bigint) is null or e.hospital_id = :hospital)
                  and (cast(:exam as bigint) is null or e.id = :exam)) v
                where cast(:exam as bigint) is not null or v.state not in ('DELIVERED', 'CANCELLED') or v.unreached
                   or v.delivered_at > now() - interval '1 day' or v.cancelled_at > now() - interval '1 day'
                order by (v.state = 'DELIVERED'), (v.state = 'CANCELLED' and not v.unreached), v.created_at desc
                limit :limit""")
                .param("hospital", hospitalId).param("exam", examId).param("limit", limit)
                .query((rs, n) -> {
                    Instant created = rs.getObject("created_at", OffsetDateTime.class).toInstant();
                    String state = rs.getString("state");
                    return new DeliveryStatus(rs.getLong("id"), rs.getLong("report_id"), rs.getLong("exam_id"),
                            rs.getString("accession_number"), rs.getString("hospital_name"), rs.getString("label"),
                            Destination.Kind.valueOf(rs.getString("kind")), state, rs.getInt("attempts"), created,
                            instant(rs.getObject("next_attempt_at", OffsetDateTime.class)),
                            instant(rs.getObject("delivered_at", OffsetDateTime.class)), rs.getString("last_error"),
                            (Long) rs.getObject("addendum_id"),
                            "REJECTED".equals(state) || !"DELIVERED".equals(state) && !"CANCELLED".equals(state)
                                    && created.isBefore(lateBefore),
                            instant(rs.getObject("cancelled_at", OffsetDateTime.class)), rs.getString("cancelled_by"),
                            rs.getString("cancel_reason"), rs.getBoolean("unreached"), rs.getBoolean("destination_enabled"));
                })
                .list();
    }

    /** Deliveries that need a person: refused, or not acknowledged in time (a cancelled one is owed to nobody). */
    int late(Instant lateBefore) {
        return jdbc.sql("""
                select count(*) from report_delivery
                where state = 'REJECTED' or (state not in ('DELIVERED', 'CANCELLED') and created_at < :before)""")
                .param("before", ExamLifecycle.utc(lateBefore)).query(Integer.class).single();
    }

    /**
     * Signed texts (signatures and addenda) of the last {@code days} whose every delivery was
     * cancelled: they reach no system of their hospital, only its portal and FHIR.
     */
    int unreached(Instant since) {
        return jdbc.sql("""
                select count(*) from (select report_id, addendum_id from report_delivery
                                      where created_at >= :since
                                      group by report_id, addendum_id
                                      having bool_and(state = 'CANCELLED')) t""")
                .param("since", ExamLifecycle.utc(since)).query(Integer.class).single();
    }

    /** HL7 control ids are at most 20 characters; DICOM instances need a UID. Chosen once, kept for every attempt. */
    static String messageId(boolean dicom) {
        UUID uuid = UUID.randomUUID();
        if (dicom) {
            ByteBuffer b = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            return "2.25." + new BigInteger(1, b.array());
        }
        return "RL" + Long.toHexString(uuid.getMostSignificantBits() ^ uuid.getLeastSignificantBits()).toUpperCase();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
