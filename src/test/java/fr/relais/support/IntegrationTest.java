package fr.relais.support;

import fr.relais.intake.DicomDoor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole application on free ports with embedded PostgreSQL in a fresh data folder. Every
 * integration test extends this one class with the same settings, so Spring starts it once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "relais.dicom.port=0",
        "relais.intake.stable-seconds=1",
        "relais.intake.check-millis=200",
        "relais.admin-password=" + IntegrationTest.ADMIN_PASSWORD})
public abstract class IntegrationTest {

    public static final String ADMIN_PASSWORD = "admin-password-for-tests";
    public static final Path DATA_DIR = tempDir();
    private static final AtomicInteger hospitals = new AtomicInteger();

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add("relais.data-dir", DATA_DIR::toString);
    }

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected DicomDoor dicomDoor;

    @LocalServerPort
    protected int httpPort;

    /** A hospital of its own for each test, registered with the given calling AE title. */
    protected long newHospital(String callingAeTitle) {
        int n = hospitals.incrementAndGet();
        long id = jdbc.sql("""
                insert into hospital (name, finess, time_zone, retention_days, created_at)
                values (:name, :finess, 'Europe/Paris', 90, :now) returning id""")
                .param("name", "CH de test " + n + " " + callingAeTitle)
                .param("finess", String.format("64%07d", 1000 + n))
                .param("now", OffsetDateTime.now())
                .query(Long.class).single();
        jdbc.sql("insert into hospital_ae_title (ae_title, hospital_id) values (:ae, :id)")
                .param("ae", callingAeTitle).param("id", id).update();
        return id;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("relais-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
