package fr.relais.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every error of the JSON API as an RFC 9457 problem detail ({@code application/problem+json}).
 * Validation errors carry an {@code errors} list of {@code {field, message}}. Pages are left to the
 * error page: this advice only serves {@code @RestController}s.
 */
@RestControllerAdvice(annotations = RestController.class)
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    /** One wrong field of a request, as the API reports it. */
    public record FieldMessage(String field, String message) {}

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> handleProblem(ProblemException ex, HttpServletRequest request) {
        String message = text(ex);
        List<FieldMessage> errors = ex.field() == null ? List.of() : List.of(new FieldMessage(ex.field(), message));
        return problem(ex.status(), message, errors, request.getRequestURI());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> handleMultipart(MultipartException ex, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, text("problem.multipart.malformed",
                "The multipart/form-data body cannot be read."), List.of(), request.getRequestURI());
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> handleIntegrity(DataIntegrityViolationException ex, HttpServletRequest request) {
        // Services turn the conflicts they expect into clear messages; this is the safety net.
        // The SQL message may quote stored values, so it goes to the log at debug level only.
        String sqlState = sqlState(ex);
        log.debug("integrity violation {} on {}", sqlState, request.getRequestURI(), ex);
        boolean badValue = "23514".equals(sqlState) || "23502".equals(sqlState) || "22001".equals(sqlState);
        if (badValue) {
            return problem(HttpStatus.BAD_REQUEST, text("problem.integrity.invalid",
                    "A value breaks a rule of the database."), List.of(), request.getRequestURI());
        }
        String detail = ex instanceof DuplicateKeyException || "23505".equals(sqlState)
                ? text("problem.integrity.duplicate", "This already exists.")
                : text("problem.integrity.referenced", "Other records refer to this object.");
        return problem(HttpStatus.CONFLICT, detail, List.of(), request.getRequestURI());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return validationProblem(ex.getBindingResult(), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // Name the place, not the content: the body may hold patient data.
        String where = "";
        if (ex.getMostSpecificCause() instanceof JsonProcessingException json && json.getLocation() != null) {
            JsonLocation at = json.getLocation();
            where = " (" + text("problem.json.at", "line {0}, column {1}", at.getLineNr(), at.getColumnNr()) + ")";
        }
        String detail = text("problem.json.malformed", "The request body is not valid JSON for this request.") + where;
        return problem(HttpStatus.BAD_REQUEST, detail, List.of(), path(request));
    }

    /** Turns a binding result into the 400 problem; public so that other advice or controllers can reuse it. */
    public ResponseEntity<Object> validationProblem(BindingResult result, String instance) {
        List<FieldMessage> errors = new ArrayList<>();
        for (ObjectError error : result.getAllErrors()) {
            String field = error instanceof FieldError f ? f.getField() : null;
            errors.add(new FieldMessage(field, messages().getMessage(error, locale())));
        }
        String list = errors.stream()
                .map(e -> e.field() == null ? e.message() : e.field() + " : " + e.message())
                .collect(Collectors.joining(" ; "));
        return problem(HttpStatus.BAD_REQUEST, text("problem.invalid", "Invalid request: {0}", list), errors, instance);
    }

    private ResponseEntity<Object> problem(HttpStatus status, String detail, List<FieldMessage> errors, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(text("problem.title." + status.value(), status.getReasonPhrase()));
        if (instance != null) {
            problem.setInstance(URI.create(instance));
        }
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private String text(ProblemException ex) {
        return messages().getMessage(ex, locale());
    }

    private String text(String code, String fallback, Object... args) {
        return messages().getMessage(code, args, fallback, locale());
    }

    private MessageSource messages() {
        return getMessageSource();
    }

    private static Locale locale() {
        return LocaleContextHolder.getLocale();
    }

    private static String path(WebRequest request) {
        String description = request.getDescription(false);
        return description.startsWith("uri=") ? description.substring(4) : null;
    }

    private static String sqlState(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
