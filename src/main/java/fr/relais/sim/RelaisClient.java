package fr.relais.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The JSON API of a running Relais, as one account sees it (HTTP Basic). */
final class RelaisClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** An answer the simulator did not expect, said with the server's own words. */
    static final class ApiException extends IOException {
        ApiException(String message) {
            super(message);
        }
    }

    private final URI base;
    private final String username;
    private final String authorization;
    private final long accountId;

    RelaisClient(URI base, String username, String password) {
        this(base, username, password, 0);
    }

    /** A client for an account the simulator created, whose id it knows. */
    RelaisClient(URI base, String username, String password, long accountId) {
        this.base = base;
        this.username = username;
        this.accountId = accountId;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    long accountId() {
        return accountId;
    }

    JsonNode get(String path) throws IOException {
        return send("GET", path, null, 200);
    }

    JsonNode post(String path, Object body, int expected) throws IOException {
        return send("POST", path, body, expected);
    }

    JsonNode put(String path, Object body, int expected) throws IOException {
        return send("PUT", path, body, expected);
    }

    private JsonNode send(String method, String path, Object body, int expected) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() != expected) {
            String text = response.body().length() > 300 ? response.body().substring(0, 300) + "…" : response.body();
            throw new ApiException(method + " " + path + " as " + username + ": HTTP " + response.statusCode() + " " + text);
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
