package fr.relais;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person at a browser: keeps the session cookie, does not follow redirects (tests look at them),
 * and sends back the CSRF token of the last page it read, as a real form would.
 */
public final class Browser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+(?:value|content)=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private String csrf;

    public Browser(int port) {
        this("http://localhost:" + port, HttpClient.newBuilder());
    }

    /** A browser of any server: give the builder its SSL context for https. */
    public Browser(String base, HttpClient.Builder http) {
        this.base = base;
        this.http = http.cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Logs in through the form; returns the response to the form post (a redirect). */
    public HttpResponse<String> login(String username, String password) {
        get("/login");
        return postForm("/login", List.of(Map.entry("username", username), Map.entry("password", password)));
    }

    /** Logs in and fails the test unless it lands on the home page. */
    public Browser loggedInAs(String username, String password) {
        HttpResponse<String> response = login(username, password);
        String location = response.headers().firstValue("Location").orElse("");
        if (response.statusCode() != 302 || location.contains("error")) {
            throw new AssertionError("login of " + username + " failed: " + response.statusCode() + " " + location);
        }
        return this;
    }

    public HttpResponse<String> get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/html").GET());
        Matcher m = CSRF.matcher(response.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return response;
    }

    /** Posts a form with the CSRF token of the last page read; repeated names are allowed. */
    public HttpResponse<String> postForm(String path, List<Map.Entry<String, String>> fields) {
        List<Map.Entry<String, String>> all = new ArrayList<>(fields);
        if (csrf != null) {
            all.add(Map.entry("_csrf", csrf));
        }
        return postRaw(path, all);
    }

    /** Posts a multipart form with one file, with the CSRF token of the last page read. */
    public HttpResponse<String> postMultipart(String path, List<Map.Entry<String, String>> fields, String fileField,
                                              String fileName, byte[] file) {
        String boundary = "relais-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        List<Map.Entry<String, String>> all = new ArrayList<>(fields);
        if (csrf != null) {
            all.add(Map.entry("_csrf", csrf));
        }
        for (Map.Entry<String, String> f : all) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** Posts a form exactly as given, without adding the CSRF token. */
    public HttpResponse<String> postRaw(String path, List<Map.Entry<String, String>> fields) {
        String body = fields.stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * A page's script calling the API with this session: JSON in and out, with the CSRF header of
     * the last page read when {@code withCsrf} (a forged request from another site has none).
     */
    public HttpResponse<String> api(String method, String path, String json, boolean withCsrf) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (withCsrf && csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        return send(request);
    }

    /**
     * Any request with this session's cookie and the given headers (name, value, name, value...),
     * the CSRF header of the last page read included: what a page's script, or an attacker holding
     * the cookie, can send.
     */
    public HttpResponse<String> withHeaders(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
