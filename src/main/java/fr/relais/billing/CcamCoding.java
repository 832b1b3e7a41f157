package fr.relais.billing;

import fr.relais.platform.Zones;
import fr.relais.report.ReportSigned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Turns each signed report into its one CCAM act line, at signature. The line is written once
 * (the report id is unique in ccam_act, and the table refuses changes): an addendum signs no new
 * report and so bills nothing; an exam cancelled before its report was signed has no act. A
 * signature whose event was lost (crash after the commit) is coded by the next export.
 */
@Service
public class CcamCoding {

    private static final Logger log = LoggerFactory.getLogger(CcamCoding.class);

    /** Every act reaches the platform through the emergency path: all are urgent. */
    static final boolean URGENT = true;

    private static final String ACT = """
            select a.id, a.report_id, a.exam_id, a.hospital_id, h.name as hospital_name, a.radiologist_id,
                   u.display_name as radiologist_name, a.exam_type_code, a.ccam_code, a.modifier, a.urgent, a.rpps,
                   a.finess, a.patient_key as patient_reference, a.accession_number, a.performed_at, a.time_zone,
                   a.local_date, a.local_time, a.night_date
            from ccam_act a join hospital h on h.id = a.hospital_id join app_user u on u.id = a.radiologist_id""";

    private record Signed(long reportId, long examId, long hospitalId, long radiologistId, String examTypeCode,
                          String ccamCode, String rpps, String finess, String timeZone, String patientKey,
                          String accessionNumber, OffsetDateTime signedAt) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Zones zones;

    CcamCoding(JdbcClient jdbc, Clock clock, Zones zones) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.zones = zones;
    }

    @EventListener
    void signed(ReportSigned event) {
        try {
            code(event.reportId());
        } catch (RuntimeException e) {
            // The signature stands; the next export codes what this one missed.
            log.warn("could not code the CCAM act of report {} yet: {}", event.reportId(), e.toString());
        }
    }

    /** Codes the report if it is signed and not coded yet; returns the number of lines written (0 or 1). */
    int code(long reportId) {
        return code(" and r.id = :report", reportId, null);
    }

    /** Codes every report signed since {@code since} that has no act line yet. */
    int codeMissing(Instant since) {
        return code(" and r.signed_at >= :since", null, since);
    }

    private int code(String which, Long reportId, Instant since) {
        var query = jdbc.sql("""
                select r.id as report_id, r.exam_id, e.hospital_id, r.signed_by as radiologist_id, q.exam_type_code,
                       t.ccam_code, u.rpps, h.finess, h.time_zone, q.patient_key, q.accession_number, r.signed_at
                from report r
                join exam e on e.id = r.exam_id
                join exam_request q on q.exam_id = r.exam_id
                join exam_type t on t.code = q.exam_type_code
                join hospital h on h.id = e.hospital_id
                join app_user u on u.id = r.signed_by
                where r.state = 'SIGNED' and e.state <> 'CANCELLED'
                  and not exists (select 1 from ccam_act a where a.report_id = r.id)""" + which);
        if (reportId != null) {
            query = query.param("report", reportId);
        }
        if (since != null) {
            query = query.param("since", since.atOffset(ZoneOffset.UTC));
        }
        int written = 0;
        for (Signed s : query.query(Signed.class).list()) {
            written += insert(s);
        }
        return written;
    }

    private int insert(Signed s) {
        ZoneId zone = zones.hospital(s.timeZone());
        Instant at = s.signedAt().toInstant();
        ZonedDateTime local = at.atZone(zone);
        String modifier = CcamModifier.of(at, zone, URGENT).map(Enum::name).orElse(null);
        int written = jdbc.sql("""
                insert into ccam_act (report_id, exam_id, hospital_id, radiologist_id, exam_type_code, ccam_code,
                                      modifier, urgent, rpps, finess, patient_key, accession_number, performed_at,
                                      time_zone, local_date, local_time, night_date, coded_at)
                values (:report, :exam, :hospital, :radiologist, :type, :ccam, :modifier, :urgent, :rpps, :finess,
                        :patient, :accession, :at, :zone, :date, :time, :night, :now)
                on conflict (report_id) do nothing""")
                .param("report", s.reportId()).param("exam", s.examId()).param("hospital", s.hospitalId())
                .param("radiologist", s.radiologistId()).param("type", s.examTypeCode()).param("ccam", s.ccamCode())
                .param("modifier", modifier).param("urgent", URGENT).param("rpps", s.rpps())
                .param("finess", s.finess()).param("patient", s.patientKey()).param("accession", s.accessionNumber())
                .param("at", s.signedAt()).param("zone", s.timeZone())
                .param("date", local.toLocalDate()).param("time", local.toLocalTime().withNano(0))
                .param("night", Nights.nightOf(at.atZone(zones.center())))
                .param("now", OffsetDateTime.now(clock))
                .update();
        if (written == 1) {
            log.info("report {} coded {}{}", s.reportId(), s.ccamCode(), modifier == null ? "" : "+" + modifier);
        }
        return written;
    }

    /** Every act of the month (by the date in the hospital's clock), coding the late ones first. */
    List<CcamAct> month(YearMonth month) {
        codeMissing(month.atDay(1).minusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant());
        return jdbc.sql(ACT + " where a.local_date between :first and :last order by a.performed_at, a.id")
                .param("first", month.atDay(1)).param("last", month.atEndOfMonth()).query(CcamAct.class).list();
    }

    /** The radiologist's acts of the nights that started in the month. */
    List<CcamAct> radiologistMonth(long radiologistId, YearMonth month) {
        codeMissing(month.atDay(1).minusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant());
        return jdbc.sql(ACT + """
                 where a.radiologist_id = :user and a.night_date between :first and :last
                order by a.performed_at, a.id""")
                .param("user", radiologistId).param("first", month.atDay(1)).param("last", month.atEndOfMonth())
                .query(CcamAct.class).list();
    }

    /** How many acts the hospital's reports gave between the two dates of its clock (end excluded). */
    int countForHospital(long hospitalId, LocalDate from, LocalDate until) {
        codeMissing(from.minusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant());
        return jdbc.sql("""
                select count(*) from ccam_act where hospital_id = :h and local_date >= :from and local_date < :until""")
                .param("h", hospitalId).param("from", from).param("until", until).query(Integer.class).single();
    }
}
