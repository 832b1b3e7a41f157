package fr.relais;

import fr.relais.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.flyway.FlywayDataSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole server on a random port with its embedded PostgreSQL in a fresh data folder under
 * target/. Extend it and add nothing that changes the context (no @MockitoBean, no extra
 * properties or profiles): then every test class shares one Spring context and one database, so
 * tests must make their own names unique ({@link #unique(String)}) and not count whole tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class BaseIntegrationTest {

    /** The password of the account {@code admin}, created at startup. */
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    private static final Path DATA_DIR = newDataDir("relais-it-");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @DynamicPropertySource
    static void relaisProperties(DynamicPropertyRegistry registry) {
        registry.add("relais.data-dir", DATA_DIR::toString);
        registry.add("relais.dicom.port", () -> 0);
        registry.add("relais.admin-password", () -> ADMIN_PASSWORD);
        // Studies complete fast in tests; the default (10 s) is for real scanners.
        registry.add("relais.intake.stable-seconds", () -> 1);
        registry.add("relais.intake.check-millis", () -> 200);
        // Deliveries retry within the test's patience; a real RIS gets seconds, then minutes.
        registry.add("relais.delivery.poll", () -> "200ms");
        registry.add("relais.delivery.first-retry", () -> "300ms");
        registry.add("relais.delivery.max-retry", () -> "1s");
        registry.add("relais.delivery.send-timeout", () -> "5s");
        // Every scrape reads the database afresh, so that a test compares the gauges with the figures.
        registry.add("relais.ops.metrics-cache", () -> "0s");
        // The retention purge runs when a test asks, with the clock it gives, never behind its back.
        registry.add("relais.retention.first-check-millis", () -> "86400000");
        // The ARTIM timer (10 s by default) drops stalled connections within a test's patience.
        registry.add("relais.dicom.artim-seconds", () -> 2);
        // Refusals counted per minute (RefusedAttempts) are written when a test asks, so that it
        // knows how many entries a flood leaves.
        registry.add("relais.audit.refusal-minute-millis", () -> "86400000");
        // Nor the AI's catch-up of lost dispatches: a test calls it with its own window.
        registry.add("relais.ai.catch-up-after", () -> "1d");
        // Operations alerts are checked when a test asks, and posted to a listener on loopback.
        registry.add("relais.ops.alert-check-millis", () -> "86400000");
        registry.add("relais.ops.alert-first-check-millis", () -> "86400000");
        registry.add("relais.ops.alert-webhook", () -> fr.relais.support.WebhookListener.shared().url());
        // Priors are fetched from a hospital's PACS within the test's patience, and given up after
        // their attempts in a second or two when it is down.
        registry.add("relais.priors.poll", () -> "200ms");
        registry.add("relais.priors.retry", () -> "300ms");
        registry.add("relais.priors.timeout", () -> "10s");
        // The shared server's clients log in with a password alone; StrictSecurityIT runs the
        // production defaults (second factor for radiologists, coordinators and admins, HTTPS).
        registry.add("relais.security.second-factor.roles", () -> "");
    }

    /** The data folder of the shared server: tests look into it for what must not be there. */
    protected static Path dataDir() {
        return DATA_DIR;
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    @FlywayDataSource
    private DataSource ownerDataSource;

    /** The schema owner's connection (the application's own has fewer rights): for tests that play a DBA. */
    protected JdbcClient owner() {
        return JdbcClient.create(ownerDataSource);
    }

    @Autowired
    protected fr.relais.intake.DicomDoor dicomDoor;

    protected ApiClient admin() {
        return new ApiClient(port, "admin", ADMIN_PASSWORD);
    }

    protected ApiClient anonymous() {
        return ApiClient.anonymous(port);
    }

    protected ApiClient as(TestAccount account) {
        return new ApiClient(port, account.username(), account.password());
    }

    protected Browser browser() {
        return new Browser(port);
    }

    /** A name no other test uses, e.g. unique("CH Test") → "CH Test 17". */
    protected static String unique(String prefix) {
        return prefix + " " + SEQUENCE.incrementAndGet();
    }

    /** A short upper-case AE title no other test uses (at most 16 characters). */
    protected static String uniqueAeTitle(String prefix) {
        return (prefix + "_" + SEQUENCE.incrementAndGet()).toUpperCase();
    }

    /** An account created through the API by the administrator. */
    public record TestAccount(long id, String username, String password, Role role) {}

    protected TestAccount createAccount(Role role, Long hospitalId) {
        String username = ("t" + SEQUENCE.incrementAndGet() + "." + role.name()).toLowerCase();
        String password = "password-of-" + username;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("displayName", displayNameOf(role));
        body.put("role", role.name());
        body.put("hospitalId", hospitalId);
        body.put("password", password);
        ApiClient.Response response = admin().post("/api/users", body);
        if (response.status() != 201) {
            throw new AssertionError("cannot create test account: " + response.status() + " " + response.body());
        }
        return new TestAccount(response.json().get("id").asLong(), username, password, role);
    }

    /**
     * The display name createAccount gives, e.g. "Test Hospital physician": a person's name, never
     * the role's constant (pages are checked for those).
     */
    public static String displayNameOf(Role role) {
        String words = role.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
        return "Test " + Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The radiologist may read (and regulate) for the hospital. */
    protected void authorise(TestAccount radiologist, long hospitalId) {
        jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:u, :h) on conflict do nothing")
                .param("u", radiologist.id()).param("h", hospitalId).update();
    }

    /** Creates a hospital through the API and returns its id. */
    protected long createHospital(String name, String... aeTitles) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("finess", uniqueFiness());
        body.put("aeTitles", aeTitles);
        ApiClient.Response response = admin().post("/api/hospitals", body);
        if (response.status() != 201) {
            throw new AssertionError("cannot create test hospital: " + response.status() + " " + response.body());
        }
        return response.json().get("id").asLong();
    }

    /** A syntactically valid FINESS not used by another test (department 99 does not exist). */
    protected static String uniqueFiness() {
        return String.format("99%07d", SEQUENCE.incrementAndGet() * 7919 % 10_000_000);
    }

    public static Path newDataDir(String prefix) {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
