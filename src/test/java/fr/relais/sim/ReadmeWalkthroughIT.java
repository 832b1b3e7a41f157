package fr.relais.sim;

import fr.relais.BaseIntegrationTest;
import fr.relais.intake.DicomDoor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's command-line walkthrough, run as printed by bash against a server with the demo
 * profile while the demo's hospital simulator files and sends its own night, as `./relais demo`
 * does. Only the addresses change (the test server's ports), and `./relais` is this build.
 * Every curl fails the walkthrough on an HTTP error, as a reader would stop at one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
class ReadmeWalkthroughIT {

    private static final Path DATA_DIR = BaseIntegrationTest.newDataDir("relais-walkthrough-it-");
    private static final Pattern BLOCK = Pattern.compile(
            "The whole path from the command line[^\\n]*\\n+```\\n(.*?)\\n```", Pattern.DOTALL);

    @DynamicPropertySource
    static void relaisProperties(DynamicPropertyRegistry registry) {
        registry.add("relais.data-dir", DATA_DIR::toString);
        registry.add("relais.dicom.port", () -> 0);
    }

    @LocalServerPort
    int port;

    @Autowired
    DicomDoor dicomDoor;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theReadmeWalkthroughWorksAsPrintedWhileTheDemoSimulatorRuns() throws Exception {
        String walkthrough = walkthrough();
        assertThat(walkthrough).contains("http://localhost:8080", "localhost 11112", "./relais generate-study");

        // The demo's simulator starts first, as in `./relais demo`: its requests take the first ids.
        ByteArrayOutputStream simulatorOut = new ByteArrayOutputStream();
        CompletableFuture<Integer> simulator = CompletableFuture.supplyAsync(() -> SimulateHospitalsCommand.run(
                new String[] {"--hospitals", "3", "--exams", "6", "--speed", "100000", "--slices", "3", "--matrix", "64"},
                Map.of("RELAIS_URL", "http://localhost:" + port, "RELAIS_ADMIN_PASSWORD", "admin-relais",
                        "RELAIS_DICOM_PORT", String.valueOf(dicomDoor.port())),
                new PrintStream(simulatorOut, true, StandardCharsets.UTF_8),
                new PrintStream(simulatorOut, true, StandardCharsets.UTF_8)));
        fr.relais.support.Await.until("the simulator filed its first request",
                () -> jdbc.sql("select count(*) from exam_request").query(Long.class).single(), n -> n > 0);

        Path folder = Files.createTempDirectory("relais-walkthrough-");
        Path relais = folder.resolve("relais");
        Files.writeString(relais, "#!/usr/bin/env bash\nexec java -cp '" + System.getProperty("java.class.path")
                + "' fr.relais.RelaisApplication \"$@\"\n");
        Files.setPosixFilePermissions(relais, PosixFilePermissions.fromString("rwx------"));
        String script = "set -euo pipefail\n"
                + "curl() { command curl --fail-with-body \"$@\"; }\n"
                + walkthrough.replace("http://localhost:8080", "http://localhost:" + port)
                        .replace("localhost 11112", "localhost " + dicomDoor.port())
                        .replace("/tmp/study", folder.resolve("study").toString())
                + "\necho\necho \"walkthrough: $ACCESSION\"\n";
        Process bash = new ProcessBuilder("bash", "-c", script).directory(folder.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(bash.waitFor(3, TimeUnit.MINUTES)).as("the walkthrough ends").isTrue();
        String printed = output.get(10, TimeUnit.SECONDS);
        assertThat(bash.exitValue()).as(printed).isZero();
        assertThat(simulator.get(2, TimeUnit.MINUTES)).as(simulatorOut.toString(StandardCharsets.UTF_8)).isZero();

        // The walkthrough's own request was accepted, its study attached with no identity question,
        // and the radiologist's "next" handed out an exam of the common worklist.
        Matcher accession = Pattern.compile("walkthrough: (\\S+)").matcher(printed);
        assertThat(accession.find()).as(printed).isTrue();
        List<String> states = jdbc.sql("""
                select e.state from exam e join exam_request r on r.exam_id = e.id where r.accession_number = :a""")
                .param("a", accession.group(1)).query(String.class).list();
        assertThat(states).as(printed).singleElement().isIn("READY", "IN_READING");
        assertThat(printed).as("the answer to next").containsPattern("\"examId\":\\d+");
    }

    /** The walkthrough's code block in the README at the project's root. */
    private static String walkthrough() throws IOException {
        Matcher block = BLOCK.matcher(Files.readString(Path.of("README.md")));
        assertThat(block.find()).as("the README has its walkthrough").isTrue();
        return block.group(1);
    }
}
