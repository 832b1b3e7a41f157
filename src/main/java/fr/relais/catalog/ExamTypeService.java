package fr.relais.catalog;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.Optional;

/** The exam catalog (table exam_type, seeded by V1). Types are added or changed, never deleted. */
@Service
public class ExamTypeService {

    private static final String SELECT =
            "select code, label_fr, body_region, contrast, ccam_code, reading_minutes from exam_type";

    private final JdbcClient jdbc;
    private final AuditLog audit;

    public ExamTypeService(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public List<ExamType> list() {
        return jdbc.sql(SELECT + " order by code").query(ExamType.class).list();
    }

    public Optional<ExamType> find(String code) {
        return jdbc.sql(SELECT + " where code = :code").param("code", code).query(ExamType.class).optional();
    }

    public ExamType get(String code) {
        return find(code).orElseThrow(() -> new NotFoundException("examType.notFound", "No exam type " + code, code));
    }

    @Transactional
    public ExamType create(ExamType type, Actor actor) {
        if (find(type.code()).isPresent()) {
            throw codeTaken(type.code());
        }
        try {
            jdbc.sql("""
                    insert into exam_type (code, label_fr, body_region, contrast, ccam_code, reading_minutes)
                    values (:code, :labelFr, :bodyRegion, :contrast, :ccamCode, :readingMinutes)""")
                    .paramSource(type)
                    .update();
        } catch (DuplicateKeyException raced) {
            throw codeTaken(type.code());
        }
        audit.record(actor.username(), "EXAM_TYPE_CREATED", "exam-type:" + type.code(), actor.source(),
                AuditLog.Outcome.SUCCESS, "CCAM " + type.ccamCode());
        return get(type.code());
    }

    /** The code is the key and does not change; everything else may. */
    @Transactional
    public ExamType update(String code, ExamType type, Actor actor) {
        get(code);
        jdbc.sql("""
                update exam_type set label_fr = :labelFr, body_region = :bodyRegion, contrast = :contrast,
                                     ccam_code = :ccamCode, reading_minutes = :readingMinutes
                where code = :code""")
                .paramSource(type.withCode(code))
                .update();
        audit.record(actor.username(), "EXAM_TYPE_UPDATED", "exam-type:" + code, actor.source(),
                AuditLog.Outcome.SUCCESS, "CCAM " + type.ccamCode());
        return get(code);
    }

    private static ConflictException codeTaken(String code) {
        return new ConflictException("code", "examType.code.taken", "Exam type " + code + " already exists", code);
    }
}
