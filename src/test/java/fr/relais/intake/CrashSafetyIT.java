package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.Part10;
import fr.relais.dicom.RawScu;
import fr.relais.dicom.TestObjects;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.storage.MasterKey;
import fr.relais.storage.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the server with SIGKILL while a hospital is sending, restarts it on the same data folder,
 * and checks that nothing is half-indexed and every acknowledged instance is there and readable.
 */
class CrashSafetyIT {

    private static final String PASSWORD = "crash-test-admin-password";

    @TempDir
    Path work;

    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(Process::destroyForcibly);
    }

    @Test
    void aServerKilledDuringATransferLosesNoAcknowledgedInstanceAndHalfIndexesNone() throws Exception {
        Path data = work.resolve("data");
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(80).seed(99).build(),
                work.resolve("study"));

        Ports first = Ports.free();
        Process server = start(data, first);
        ApiClient admin = new ApiClient(first.http(), "admin", PASSWORD);
        ApiClient.Response created = admin.post("/api/hospitals",
                Map.of("name", "CH Crash", "finess", "640000999", "aeTitles", List.of("CRASH_CT")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        List<String> acknowledged = new CopyOnWriteArrayList<>();
        Thread sender = new Thread(() -> {
            try (RawScu scu = RawScu.associate("127.0.0.1", first.dicom(), "CRASH_CT", "RELAIS")) {
                for (SyntheticCt.Instance instance : study.instances()) {
                    RawScu.Response response = scu.store(instance.sopInstanceUid(), TestObjects.dataSet(instance.file()));
                    if (response.status() == 0) {
                        acknowledged.add(instance.sopInstanceUid());
                    }
                }
            } catch (Exception expected) {
                // the server dies under us
            }
        });
        sender.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (acknowledged.size() < 25 && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }
        server.destroyForcibly(); // SIGKILL, mid-transfer
        server.waitFor();
        sender.join(30_000);
        assertThat(acknowledged.size()).isBetween(25, 79);

        Ports second = Ports.free();
        start(data, second);
        JsonNode report = new ApiClient(second.http(), "admin", PASSWORD)
                .get("/api/storage/integrity?studyInstanceUid=" + study.studyInstanceUid()).json();

        assertThat(report.get("problems")).as(report.toString()).isEmpty();
        assertThat(report.get("readable").asInt()).isEqualTo(report.get("indexed").asInt());
        Set<String> indexed = new HashSet<>();
        report.get("instances").forEach(n -> indexed.add(n.asText()));
        assertThat(indexed).containsAll(acknowledged);
        // At most the one in flight may have been stored without its acknowledgement reaching us.
        assertThat(indexed.size()).isBetween(acknowledged.size(), acknowledged.size() + 1);
    }

    @Test
    void theRecoveryIsOverBeforeTheHttpPortAnswersAnything() throws Exception {
        Path data = work.resolve("data");
        Ports first = Ports.free();
        Process server = start(data, first);
        ApiClient.Response created = new ApiClient(first.http(), "admin", PASSWORD).post("/api/hospitals",
                Map.of("name", "CH Recovery First", "finess", "640000998", "aeTitles", List.of("RECOVERY_CT")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long hospital = created.json().get("id").asLong();
        server.destroy();
        assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        // What a crash leaves when the index's last commits never reached the disk: acknowledged
        // objects on disk, their rows gone. Enough of them that indexing takes a while.
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(300).rows(64).columns(64)
                .seed(98).build(), work.resolve("study"));
        MasterKey key = MasterKey.of(Base64.getDecoder().decode(Files.readString(data.resolve("master.key")).trim()));
        ObjectStore store = new ObjectStore(data.resolve("objects"), key, Clock.systemUTC());
        for (SyntheticCt.Instance instance : study.instances()) {
            byte[] file = Files.readAllBytes(instance.file());
            DicomHeader header = DicomHeader.parseFile(file);
            int offset = Part10.dataSetOffset(file);
            byte[] meta = Part10.fileMetaHeader(header.sopClassUid(), header.sopInstanceUid(), Part10.transferSyntax(file),
                    "RECOVERY_CT", new IntakeService.Provenance(hospital, "RECOVERY_CT").encode());
            store.put(List.of(ObjectStore.Segment.of(meta), new ObjectStore.Segment(file, offset, file.length - offset)));
        }

        // The very first answer the HTTP port gives must already see every one of them indexed.
        Ports second = Ports.free();
        Process restarted = launch(data, second);
        ApiClient admin = new ApiClient(second.http(), "admin", PASSWORD);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        ApiClient.Response first200 = null;
        while (first200 == null && Instant.now().isBefore(deadline)) {
            assertThat(restarted.isAlive()).as("server alive; see " + work).isTrue();
            try {
                ApiClient.Response answer = admin.get("/api/storage/integrity?studyInstanceUid=" + study.studyInstanceUid());
                assertThat(answer.status()).as("the first answer of the HTTP port: " + answer.body()).isEqualTo(200);
                first200 = answer;
            } catch (RuntimeException notListening) {
                Thread.sleep(10);
            }
        }
        assertThat(first200).as("the server answered within 120 s").isNotNull();
        assertThat(first200.json().get("indexed").asInt()).isEqualTo(300);
        assertThat(first200.json().get("problems")).isEmpty();
    }

    private record Ports(int http, int dicom) {
        static Ports free() throws IOException {
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
                return new Ports(a.getLocalPort(), b.getLocalPort());
            }
        }
    }

    private Process start(Path data, Ports ports) throws Exception {
        Process process = launch(data, ports);
        ApiClient anonymous = ApiClient.anonymous(ports.http());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + "; see " + work);
            }
            try {
                if (anonymous.get("/actuator/health").status() == 200) {
                    return process;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server did not start within 120 s");
    }

    private Process launch(Path data, Ports ports) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "fr.relais.RelaisApplication")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server-" + ports.http() + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("RELAIS_DATA_DIR", data.toString());
        env.put("RELAIS_HTTP_PORT", String.valueOf(ports.http()));
        env.put("RELAIS_DICOM_PORT", String.valueOf(ports.dicom()));
        env.put("RELAIS_ADMIN_PASSWORD", PASSWORD);
        // The test's admin calls the API with its password alone (StrictSecurityIT covers the second factor).
        env.put("RELAIS_SECOND_FACTOR_ROLES", "");
        env.remove("RELAIS_DB_URL");
        Process process = pb.start();
        servers.add(process);
        return process;
    }
}
