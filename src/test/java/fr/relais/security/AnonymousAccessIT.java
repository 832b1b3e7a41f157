package fr.relais.security;

import fr.relais.BaseIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the application maps, asked by someone who is not logged in: nothing is served but
 * the login page, the error page and the health check. A route added without its guard fails here.
 */
class AnonymousAccessIT extends BaseIntegrationTest {

    private static final Set<String> OPEN = Set.of("/login", "/error");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void nothingButTheLoginAndErrorPagesAnswersAnAnonymousCaller() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        List<String> served = new ArrayList<>();
        int checked = 0;
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (OPEN.contains(pattern)) {
                    continue;
                }
                String path = pattern.replaceAll("\\{[^}]*(study|series|instance)[^}]*}", "1.2.3")
                        .replaceAll("\\{[^}]+}", "1").replace("/**", "/x");
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Accept", path.startsWith("/api") || path.startsWith("/dicomweb") || path.startsWith("/fhir")
                                    ? "application/json" : "text/html");
                    request.method(method.name(), method == RequestMethod.GET || method == RequestMethod.DELETE
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("{}"));
                    if (method != RequestMethod.GET && method != RequestMethod.DELETE) {
                        request.header("Content-Type", "application/json");
                    }
                    int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    checked++;
                    if (status != 401 && status != 302 && status != 403) {
                        served.add(method + " " + path + " -> " + status);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(served).isEmpty();
    }
}
