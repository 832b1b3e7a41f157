package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.audit.RefusedAttempts;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * {@code POST /api/ai/results}: an external engine's answer for one finding of one study, under
 * its own bearer token. The token is checked before the body is looked at, so a bad credential
 * gets 401 whatever it sent; the engine named must be the token's own.
 */
@RestController
class AiResultsApiController {

    /** The JSON an engine posts. The study is named by its Study Instance UID or its accession number. */
    record EngineResult(
            @Size(max = 64) @Pattern(regexp = "[0-9.]*", message = "{ai.result.uid}") String studyInstanceUid,
            @Size(max = 16) String accessionNumber,
            @NotBlank @Size(max = 64) String engine,
            @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Z0-9_]+", message = "{ai.result.finding}") String finding,
            @PositiveOrZero Double score,
            Boolean positive,
            @Size(max = 64) @Pattern(regexp = "[0-9.]*", message = "{ai.result.uid}") String keySopInstanceUid,
            @Positive Integer keyFrame) {}

    private final AiEngines engines;
    private final AiResults results;
    private final AiRuns runs;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final RefusedAttempts refusals;

    AiResultsApiController(AiEngines engines, AiResults results, AiRuns runs, JdbcClient jdbc, AuditLog audit,
                           RefusedAttempts refusals) {
        this.refusals = refusals;
        this.engines = engines;
        this.results = results;
        this.runs = runs;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @PostMapping("/api/ai/results")
    @ResponseStatus(HttpStatus.CREATED)
    AiResult post(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                  @RequestBody(required = false) String body, HttpServletRequest request) {
        AiEngines.Engine engine = authenticate(authorization, request);
        EngineResult in = parse(body);
        if (!engine.code().equals(in.engine())) {
            throw new InvalidInputException("engine", "ai.result.engine",
                    "this token belongs to engine {0}, not {1}", engine.code(), in.engine());
        }
        if (in.score() == null && in.positive() == null) {
            throw new InvalidInputException("score", "ai.result.empty", "give a score, positive, or both");
        }
        long examId = examOf(in);
        String examType = jdbc.sql("select exam_type_code from exam_request where exam_id = :e").param("e", examId)
                .query(String.class).single();
        if (!engines.examTypes(engine.id()).contains(examType)) {
            throw new InvalidInputException("studyInstanceUid", "ai.result.exam-type",
                    "engine {0} does not analyse exam type {1}", engine.code(), examType);
        }
        String key = blankToNull(in.keySopInstanceUid());
        if (key != null && !results.inExam(examId, key)) {
            throw new InvalidInputException("keySopInstanceUid", "ai.result.key-image",
                    "the key image {0} is not in the study", key);
        }
        AiResult saved = results.record(examId, engine, engine.version(), new AiResults.Incoming(in.finding(), in.score(),
                in.positive(), key, in.keyFrame()));
        runs.latest(engine.id(), examId).ifPresent(run -> runs.answered(run, "result " + in.finding()));
        audit.record("ai:" + engine.code(), "AI_RESULT_RECEIVED", "exam:" + examId, request.getRemoteAddr(),
                AuditLog.Outcome.SUCCESS, in.finding());
        return saved;
    }

    private AiEngines.Engine authenticate(String authorization, HttpServletRequest request) {
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        return engines.byToken(token).orElseThrow(() -> {
            refusals.refused("anonymous", "AI_RESULT_REFUSED", request.getRemoteAddr(), "bad engine token");
            return new EngineUnauthorizedException();
        });
    }

    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private final jakarta.validation.Validator validator =
            jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();

    /** Parsed after authentication, so that a stranger learns nothing from the errors. */
    private EngineResult parse(String body) {
        EngineResult in;
        try {
            in = json.readValue(body == null ? "" : body, EngineResult.class);
        } catch (Exception e) {
            throw new InvalidInputException(null, "ai.result.malformed", "the body is not the JSON of a result");
        }
        if (in == null) {
            throw new InvalidInputException(null, "ai.result.malformed", "the body is not the JSON of a result");
        }
        var violations = validator.validate(in);
        if (!violations.isEmpty()) {
            var v = violations.iterator().next();
            throw new InvalidInputException(v.getPropertyPath().toString(), "ai.result.invalid",
                    "{0}: {1}", v.getPropertyPath().toString(), v.getMessage());
        }
        return in;
    }

    private long examOf(EngineResult in) {
        String uid = blankToNull(in.studyInstanceUid());
        String accession = blankToNull(in.accessionNumber());
        if (uid == null && accession == null) {
            throw new InvalidInputException("studyInstanceUid", "ai.result.study", "name the study: studyInstanceUid or accessionNumber");
        }
        // Only exams past acquisition: an engine answers about a complete study.
        List<Long> ids = uid != null
                ? jdbc.sql("""
                        select e.id from exam e join study s on s.id = e.study_id where s.study_uid = :uid
                        and e.state in ('READY', 'IN_READING', 'REPORTED', 'DELIVERED')""")
                        .param("uid", uid).query(Long.class).list()
                : jdbc.sql("""
                        select e.id from exam e join exam_request r on r.exam_id = e.id where r.accession_number = :acc
                        and e.state in ('READY', 'IN_READING', 'REPORTED', 'DELIVERED')""")
                        .param("acc", accession).query(Long.class).list();
        if (ids.size() != 1) {
            throw new NotFoundException("ai.result.unknown-study", "no single exam ready for reading has this study");
        }
        return ids.get(0);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
