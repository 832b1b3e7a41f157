package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Dcmtk;
import fr.relais.dicom.MultiFrameFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server in a 1 GiB heap of its own while 8 hospitals send 300-slice studies at once and a
 * ninth a 1 GiB multi-frame object: no OutOfMemoryError, every study stored, and the big object
 * too, written to disk in chunks as it arrives (held in memory, it would need four times the
 * heap). The peak heap is printed.
 */
class MemoryBudgetIT {

    private static final String PASSWORD = "memory-test-admin-password";
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    @TempDir
    Path work;
    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    void eightHospitalsAndAGibibyteObjectAtOnceInAOneGibibyteHeap() throws Exception {
        Dcmtk.requireDcmtk();
        List<CompletableFuture<SyntheticCt.GeneratedStudy>> generating = new ArrayList<>();
        for (int h = 0; h < 8; h++) {
            Path folder = Files.createDirectories(work.resolve("study-" + h));
            long seed = 4100 + h;
            generating.add(CompletableFuture.supplyAsync(() -> generate(seed, folder)));
        }
        Path big = MultiFrameFile.write(work.resolve("big.dcm"), 2047, 512, 512, "1.2.826.0.1.3680043.10.1012.77.1",
                "1.2.826.0.1.3680043.10.1012.77.1.1.1");
        assertThat(Files.size(big)).isGreaterThan((1L << 30) - (1L << 20));
        int http;
        int dicom;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            http = a.getLocalPort();
            dicom = b.getLocalPort();
        }
        Path log = work.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "fr.relais.RelaisApplication").redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("RELAIS_DATA_DIR", Files.createDirectories(work.resolve("data")).toString());
        env.put("RELAIS_HTTP_PORT", String.valueOf(http));
        env.put("RELAIS_DICOM_PORT", String.valueOf(dicom));
        env.put("RELAIS_ADMIN_PASSWORD", PASSWORD);
        env.put("RELAIS_SECOND_FACTOR_ROLES", "");
        env.remove("RELAIS_DB_URL");
        server = pb.start();
        ApiClient admin = new ApiClient(http, "admin", PASSWORD);
        awaitHealthy(admin, log);

        List<String> titles = new ArrayList<>();
        for (int h = 0; h < 9; h++) {
            String ae = "MEM_" + h;
            Map<String, Object> hospital = new LinkedHashMap<>();
            hospital.put("name", "CH Mémoire " + h);
            hospital.put("finess", String.format("96%07d", h + 1));
            hospital.put("aeTitles", List.of(ae));
            assertThat(admin.post("/api/hospitals", hospital).status()).isEqualTo(201);
            titles.add(ae);
        }

        AtomicLong peakHeap = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (sending.get()) {
                peakHeap.accumulateAndGet(heapUsed(http), Math::max);
            }
        });
        watcher.start();
        List<SyntheticCt.GeneratedStudy> studies = generating.stream().map(CompletableFuture::join).toList();
        Instant sendStart = Instant.now();
        List<CompletableFuture<Dcmtk.Result>> sends = new ArrayList<>();
        for (int h = 0; h < 8; h++) {
            SyntheticCt.GeneratedStudy study = studies.get(h);
            String ae = titles.get(h);
            List<Path> files = study.instances().stream().map(SyntheticCt.Instance::file).toList();
            sends.add(CompletableFuture.supplyAsync(() -> storescu(dicom, ae, files)));
        }
        CompletableFuture<Dcmtk.Result> bigSend = CompletableFuture.supplyAsync(() -> bigStorescu(dicom, titles.get(8), big));
        List<Dcmtk.Result> results = sends.stream().map(CompletableFuture::join).toList();
        Dcmtk.Result bigResult = bigSend.join();
        sending.set(false);
        watcher.join();
        peakHeap.accumulateAndGet(heapUsed(http), Math::max);

        assertThat(server.isAlive()).as("the server survived; see " + log).isTrue();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        for (Dcmtk.Result r : results) {
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        JsonNode exams = admin.get("/api/exams?limit=100").json();
        Map<String, Integer> counts = new LinkedHashMap<>();
        exams.forEach(e -> counts.put(e.get("studyInstanceUid").asText(), e.get("instanceCount").asInt()));
        for (int h = 0; h < 8; h++) {
            assertThat(counts.get(generating.get(h).join().studyInstanceUid())).isEqualTo(300);
        }
        assertThat(bigResult.exitCode()).as(bigResult.output()).isZero();
        assertThat(counts.get("1.2.826.0.1.3680043.10.1012.77.1")).as("the big object indexed").isEqualTo(1);
        String budget = metrics(http).lines()
                .filter(l -> l.startsWith("relais_dicom_reception_peak_bytes") || l.startsWith("relais_dicom_reception_budget_bytes"))
                .reduce("", (x, y) -> x + " " + y);
        System.out.printf("memory: peak heap %d MiB of 1024 MiB with 8 studies of 300 slices and one object of %d MiB at once"
                        + " (sent in %d s); the big object %s;%s%n", peakHeap.get() >> 20, Files.size(big) >> 20,
                Duration.between(sendStart, Instant.now()).toSeconds(), "stored", budget);
    }

    private static SyntheticCt.GeneratedStudy generate(long seed, Path folder) {
        try {
            return SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(300).rows(256).columns(256).seed(seed)
                    .build(), folder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Dcmtk.Result storescu(int port, String ae, List<Path> files) {
        try {
            return Dcmtk.storescu(port, ae, "RELAIS", files);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** storescu says what status it got only when verbose. */
    private static Dcmtk.Result bigStorescu(int port, String ae, Path file) {
        try {
            Process p = new ProcessBuilder("storescu", "-v", "-aet", ae, "-aec", "RELAIS", "127.0.0.1", String.valueOf(port),
                    file.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new Dcmtk.Result(p.waitFor(), output);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus text, which answers text/plain only. */
    private static String metrics(int port) {
        try {
            return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/actuator/prometheus"))
                            .header("Accept", "text/plain").header("Authorization", ApiClient.basic("admin", PASSWORD)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long heapUsed(int http) {
        try {
            Matcher m = HEAP.matcher(metrics(http));
            long sum = 0;
            while (m.find()) {
                sum += (long) Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (RuntimeException busy) {
            return 0;
        }
    }

    private void awaitHealthy(ApiClient admin, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("server exited with " + server.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (admin.get("/actuator/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server did not start within 120 s");
    }
}
