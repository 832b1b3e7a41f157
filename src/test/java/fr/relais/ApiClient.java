package fr.relais;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A JSON API caller with HTTP Basic credentials (or none), as a hospital system or a script would be. */
public final class ApiClient {

    /** A response with its body parsed as JSON when there is one. */
    public record Response(int status, String contentType, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return body.isEmpty() ? null : new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final String base;
    private final HttpClient http;
    private final String authorization;
    private String username;
    private final ObjectMapper json = new ObjectMapper();
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    private String language;

    public ApiClient(int port, String username, String password) {
        this("http://localhost:" + port, HTTP, basic(username, password));
        this.username = username;
    }

    /** The account this client logs in as (HTTP Basic), or null. */
    public String username() {
        return username;
    }

    /** A client of any server (https too), with the Authorization header given (or none). */
    public ApiClient(String base, HttpClient http, String authorization) {
        this.base = base;
        this.http = http;
        this.authorization = authorization;
    }

    /** A system with an API token. */
    public static ApiClient bearer(int port, String token) {
        return new ApiClient("http://localhost:" + port, HTTP, "Bearer " + token);
    }

    public static String basic(String username, String password) {
        return username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends this header with every request. */
    public ApiClient header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public static ApiClient anonymous(int port) {
        return new ApiClient(port, null, null);
    }

    /** Sends Accept-Language with every request (none by default: the server then speaks French). */
    public ApiClient language(String language) {
        this.language = language;
        return this;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    /** body: a String is sent as is (to send broken JSON), anything else is serialized. */
    public Response send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json, application/problem+json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                String text = body instanceof String s ? s : json.writeValueAsString(body);
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return exchange(request);
    }

    /** Posts raw bytes with the given content type, as a DICOMweb client does. */
    public Response postBytes(String path, String contentType, byte[] body) {
        return sendBytes("POST", path, contentType, body);
    }

    public Response putBytes(String path, String contentType, byte[] body) {
        return sendBytes("PUT", path, contentType, body);
    }

    private Response sendBytes(String method, String path, String contentType, byte[] body) {
        return exchange(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/dicom+json, application/json, application/problem+json")
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A GET whose answer is bytes (frames, instances, pictures), with the Accept header given. */
    public HttpResponse<byte[]> getBytes(String path, String accept) {
        HttpRequest.Builder request = withHeaders(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept));
        try {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder withHeaders(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (language != null) {
            request.header("Accept-Language", language);
        }
        headers.forEach(request::header);
        return request;
    }

    private Response exchange(HttpRequest.Builder request) {
        withHeaders(request);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
