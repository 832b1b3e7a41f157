package fr.relais.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.servlet.LocaleResolver;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * 401 and 403 of the API as problem details. Security runs before Spring MVC, so this writes the
 * JSON itself, in the locale the MVC side would have chosen.
 */
class ApiSecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String REALM = "Relais";

    private final ObjectMapper json;
    private final MessageSource messages;
    private final LocaleResolver locales;

    ApiSecurityProblems(ObjectMapper json, MessageSource messages, LocaleResolver locales) {
        this.json = json;
        this.messages = messages;
        this.locales = locales;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
                         AuthenticationException authException) throws IOException {
        if (authException instanceof LoginThrottledException throttled) {
            throttled(request, response, throttled);
            return;
        }
        // A page's script whose session ended must not make the browser pop up its own login box.
        if (request.getRequestedSessionId() == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
        }
        write(request, response, HttpStatus.UNAUTHORIZED, "problem.unauthorized",
                "Authentication required: send your Relais username and password (HTTP Basic).");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
                       AccessDeniedException accessDeniedException) throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, "problem.forbidden",
                "Your role does not allow this request.");
    }

    /** A person whose role needs a second factor sent only a password (HTTP Basic). */
    void secondFactorNeeded(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(request, response, HttpStatus.UNAUTHORIZED, "problem.secondFactorNeeded",
                "This account needs a second factor: log in through the login page, or use an API token.");
    }

    /** Too many failures from this source: 429 with the wait in Retry-After; nothing was checked. */
    void throttled(HttpServletRequest request, HttpServletResponse response, LoginThrottledException throttled)
            throws IOException {
        long seconds = throttled.retryAfterSeconds();
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        if (throttled.refusal() == ThrottlePolicy.Refusal.DELAYED) {
            write(request, response, HttpStatus.TOO_MANY_REQUESTS, "problem.loginDelayed",
                    "Too many failed logins from this address: try again in " + seconds + " s.", seconds);
        } else {
            write(request, response, HttpStatus.TOO_MANY_REQUESTS, "problem.loginBlocked",
                    "Logins to this account are refused from this address after repeated failures: try again later,"
                            + " or ask an administrator.", seconds);
        }
    }

    /** A bearer token unknown, revoked or expired. */
    void badToken(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(request, response, HttpStatus.UNAUTHORIZED, "problem.badToken",
                "This API token is unknown, revoked or expired.");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                       String code, String fallback, Object... arguments) throws IOException {
        Locale locale = locales.resolveLocale(request);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, messages.getMessage(code, arguments, fallback, locale));
        problem.setTitle(messages.getMessage("problem.title." + status.value(), null, status.getReasonPhrase(), locale));
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), problem);
    }
}
