package fr.relais.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Requests refused before any controller sees them (an undecodable URL, a header too large, a
 * path the firewall rejects, no route) still get an RFC 9457 problem detail at the machine doors
 * ({@code /api}, {@code /dicomweb}, {@code /fhir}), whatever their Accept header: a DICOMweb client
 * asking for multipart/related otherwise got an empty 404 or Tomcat's HTML page. Pages keep the
 * error page.
 */
@Configuration(proxyBeanMethods = false)
class MalformedRequestProblems {

    private static final List<String> MACHINE_DOORS = List.of("/api/", "/dicomweb", "/fhir/");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The error dispatch of a machine door answers a problem detail instead of the error page. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> machineDoorErrors(MessageSource messages) {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
                Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
                if (uri instanceof String path && isMachineDoor(path) && status instanceof Integer code && code >= 400
                        && !response.isCommitted()) {
                    response.resetBuffer();
                    write(response, code, path, messages, request.getLocale());
                    return;
                }
                chain.doFilter(request, response);
            }

            @Override
            protected boolean shouldNotFilterErrorDispatch() {
                return false;
            }

            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return request.getDispatcherType() != DispatcherType.ERROR;
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** Tomcat's own refusals (before the application is chosen) as problem details, not its HTML page. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve(MessageSource messages) {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    Container host = context.getParent();
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ProblemReportValve(messages));
                    if (host instanceof StandardHost standard) {
                        standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                    }
                });
            }
        };
    }

    /** Writes a problem detail for an error no one rendered; never the exception or the server's name. */
    static final class ProblemReportValve extends ErrorReportValve {
        private final MessageSource messages;

        /** Tomcat instantiates the host's error valve by its class name when none is in place. */
        public ProblemReportValve() {
            this(null);
        }

        ProblemReportValve(MessageSource messages) {
            this.messages = messages;
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                response.resetBuffer();
                write(response, status, null, messages, request.getLocale());
            } catch (IOException | IllegalStateException e) {
                // the client is gone
            }
        }
    }

    static boolean isMachineDoor(String path) {
        return MACHINE_DOORS.stream().anyMatch(path::startsWith);
    }

    private static void write(HttpServletResponse response, int status, String instance, MessageSource messages,
                              Locale requested) throws IOException {
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        Locale locale = requested != null && "en".equals(requested.getLanguage()) ? Locale.ENGLISH : Locale.FRENCH;
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", messages == null ? reason : messages.getMessage("problem.title." + status, null, reason, locale));
        problem.put("status", status);
        problem.put("detail", messages == null ? reason : messages.getMessage("problem.http." + status, null,
                messages.getMessage("problem.http.other", null, reason, locale), locale));
        if (instance != null && instance.length() <= 2048) {
            problem.put("instance", instance);
        }
        byte[] body = JSON.writeValueAsBytes(problem);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
