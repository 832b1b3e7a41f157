package fr.relais.exam;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.OffsetDateTime;
import java.util.List;

/** Exams with their state and image clock, for coordinators and administrators. */
@RestController
@RequestMapping("/api/exams")
class ExamController {

    /** One exam as the API shows it; no patient identity here. */
    record ExamSummary(long id, String state, long hospitalId, String hospitalName, String studyInstanceUid,
                       String accessionNumber, int instanceCount, OffsetDateTime firstImageAt,
                       OffsetDateTime lastImageAt, OffsetDateTime stateChangedAt) {}

    private final JdbcClient jdbc;

    ExamController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN', 'COORDINATOR')")
    ResponseEntity<List<ExamSummary>> list(@RequestParam(required = false) ExamState state,
                                           @RequestParam(required = false) Long hospitalId,
                                           @RequestParam(defaultValue = "200") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and 1000");
        }
        List<ExamSummary> exams = jdbc.sql("""
                select e.id, e.state, e.hospital_id, h.name as hospital_name, s.study_uid as study_instance_uid,
                       s.accession_number, coalesce(s.instance_count, 0) as instance_count,
                       s.first_received_at as first_image_at, s.last_received_at as last_image_at,
                       e.state_changed_at
                from exam e
                join hospital h on h.id = e.hospital_id
                left join study s on s.id = e.study_id
                where (cast(:state as text) is null or e.state = :state)
                  and (cast(:hospital as bigint) is null or e.hospital_id = :hospital)
                order by e.created_at desc, e.id desc
                limit :limit""")
                .param("state", state == null ? null : state.name())
                .param("hospital", hospitalId)
                .param("limit", limit)
                .query(ExamSummary.class)
                .list();
        return ResponseEntity.ok(exams);
    }

}
