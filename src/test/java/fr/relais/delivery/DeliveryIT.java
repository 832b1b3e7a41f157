package fr.relais.delivery;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed reports reach the hospital's systems through the outbox: a RIS over MLLP (a test
 * listener that parses with HAPI and ACKs), a PACS over DICOM (DCMTK's storescp), FHIR and the PDF.
 */
class DeliveryIT extends BaseIntegrationTest {

    @TempDir
    static Path work;

    @org.springframework.beans.factory.annotation.Autowired
    DeliveryService deliveries;

    private record Site(long id, String ae, String name, TestAccount physician, TestAccount radiologist) {}

    private record Signed(long examId, String accession, String studyUid, String patientId) {}

    @Test
    void theRisGetsTheOruOnceAcknowledgedAndTheExamIsDelivered() throws Exception {
        Site site = site();
        try (FakeRis ris = new FakeRis(0)) {
            long destination = destination(site, "HL7_MLLP", ris.port(), "RIS_TEST");
            Signed signed = sign(site, 701, "Pas d’hémorragie intracrânienne.");

            Await.until("report delivered", () -> deliveryState(signed.examId(), destination), "DELIVERED"::equals);
            assertThat(ris.received()).hasSize(1);
            ORU_R01 oru = ris.received().get(0);
            assertThat(oru.getMSH().getMessageType().getMessageCode().getValue()).isEqualTo("ORU");
            assertThat(oru.getMSH().getReceivingApplication().getNamespaceID().getValue()).isEqualTo("RIS_TEST");
            var order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            assertThat(order.getOBR().getPlacerOrderNumber().getEntityIdentifier().getValue()).isEqualTo(signed.accession());
            assertThat(order.getOBR().getResultStatus().getValue()).isEqualTo("F");
            assertThat(oru.getPATIENT_RESULT().getPATIENT().getPID().getPatientIdentifierList(0).getIDNumber().getValue())
                    .isEqualTo(signed.patientId());
            assertThat(texts(oru)).containsEntry("IMPRESSION", "Pas d’hémorragie intracrânienne.");
            OBX pdf = order.getOBSERVATION(order.getOBSERVATIONReps() - 1).getOBX();
            assertThat(pdf.getValueType().getValue()).isEqualTo("ED");
            byte[] embedded = Base64.getDecoder().decode(((ca.uhn.hl7v2.model.v251.datatype.ED) pdf.getObservationValue(0)
                    .getData()).getData().getValue());
            assertThat(new String(embedded, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

            Await.until("exam delivered", () -> examState(signed.examId()), "DELIVERED"::equals);
            assertThat(jdbc.sql("select count(*) from exam_event where exam_id = :e and to_state = 'DELIVERED'")
                    .param("e", signed.examId()).query(Integer.class).single()).isEqualTo(1);

            // The hospital sees where its report went, and gets the PDF from its portal.
            var physician = browser().loggedInAs(site.physician().username(), site.physician().password());
            String page = physician.get("/portal/requests/" + signed.examId()).body();
            assertThat(page).contains("class=\"deliveries\"").contains("RIS (HL7)").contains("Remis")
                    .contains("/reports/exams/" + signed.examId() + "/report.pdf");
        }
    }

    @Test
    void aRisDownForAWhileGetsTheReportOnceItIsBackAndNothingIsLost() throws Exception {
        Site site = site();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        long destination = destination(site, "HL7_MLLP", port, "RIS_DOWN");
        Signed signed = sign(site, 702, "Hématome sous-dural aigu droit.");

        Await.until("a few failed attempts", () -> attempts(signed.examId(), destination), n -> n >= 3);
        assertThat(deliveryState(signed.examId(), destination)).isIn("PENDING", "SENDING");
        assertThat(examState(signed.examId())).isEqualTo("REPORTED");
        String messageId = jdbc.sql("""
                        select x.message_id from report_delivery x join report r on r.id = x.report_id
                        where r.exam_id = :e and x.destination_id = :d""")
                .param("e", signed.examId()).param("d", destination).query(String.class).single();

        try (FakeRis ris = new FakeRis(port)) {
            Await.until("report delivered after the RIS came back", () -> deliveryState(signed.examId(), destination),
                    "DELIVERED"::equals);
            Thread.sleep(1500); // room for a duplicate, were one to be sent
            assertThat(ris.received()).hasSize(1);
            assertThat(ris.received().get(0).getMSH().getMessageControlID().getValue()).isEqualTo(messageId);
        }
        Await.until("exam delivered", () -> examState(signed.examId()), "DELIVERED"::equals);
    }

    @Test
    void aSlowAckIsWaitedForAndProducesNoDuplicate() throws Exception {
        Site site = site();
        try (FakeRis ris = new FakeRis(0).ackAfter(2500)) {
            long destination = destination(site, "HL7_MLLP", ris.port(), "RIS_SLOW");
            Signed signed = sign(site, 703, "Pas d’anomalie.");

            Await.until("report delivered", () -> deliveryState(signed.examId(), destination), "DELIVERED"::equals);
            Thread.sleep(1500);
            assertThat(ris.received()).hasSize(1);
            assertThat(attempts(signed.examId(), destination)).isEqualTo(1);
        }
    }

    @Test
    void aRisThatDribblesItsAckIsGivenUpAtTheDeadlineAndRetriedWhileTheSendersServeOthers() throws Exception {
        // Two such RIS hold both senders (relais.delivery.senders = 2) unless each attempt has a deadline.
        Site slowSite = site();
        Site healthySite = site();
        try (DribblingRis slowA = new DribblingRis(); DribblingRis slowB = new DribblingRis(); FakeRis healthy = new FakeRis(0)) {
            long a = destination(slowSite, "HL7_MLLP", slowA.port(), "RIS_DRIBBLE_A");
            long b = destination(slowSite, "HL7_MLLP", slowB.port(), "RIS_DRIBBLE_B");
            long h = destination(healthySite, "HL7_MLLP", healthy.port(), "RIS_HEALTHY");
            Signed slow = sign(slowSite, 707, "Pas d’anomalie.");
            Await.until("both senders caught by the dribbling RIS", () -> slowA.connections() + slowB.connections(),
                    n -> n >= 2);

            Signed other = sign(healthySite, 708, "Pas d’anomalie.");
            Await.until("the healthy RIS served meanwhile", () -> deliveryState(other.examId(), h), "DELIVERED"::equals);
            assertThat(healthy.received()).hasSize(1);

            for (long destination : new long[]{a, b}) {
                Await.until("attempt ended at the deadline and retried", () -> attempts(slow.examId(), destination),
                        n -> n >= 2);
                assertThat(deliveryState(slow.examId(), destination)).isIn("PENDING", "SENDING");
                assertThat(lastError(slow.examId(), destination)).contains("within 5000 ms");
            }
            // The retry is claimed (attempts counted) before it connects: wait for the connection itself.
            Await.until("the retry reaches the dribbling RIS", slowA::connections, n -> n >= 2);
            assertThat(examState(slow.examId())).isEqualTo("REPORTED");
            for (long destination : new long[]{a, b}) {
                assertThat(admin().post("/api/hospitals/" + slowSite.id() + "/destinations/" + destination + "/disable",
                        null).status()).isEqualTo(204);
            }
        }
    }

    @Test
    void aRisThatRefusesTheReportRaisesTheAlarmForCoordinators() throws Exception {
        Site site = site();
        try (FakeRis ris = new FakeRis(0).answer(AcknowledgmentCode.AR)) {
            long destination = destination(site, "HL7_MLLP", ris.port(), "RIS_REFUSE");
            Signed signed = sign(site, 704, "Pas d’anomalie.");

            Await.until("delivery refused", () -> deliveryState(signed.examId(), destination), "REJECTED"::equals);
            assertThat(ris.received()).hasSize(1);
            assertThat(examState(signed.examId())).isEqualTo("REPORTED");

            TestAccount coordinator = createAccount(Role.COORDINATOR, null);
            String page = browser().loggedInAs(coordinator.username(), coordinator.password())
                    .get("/coordination/deliveries").body();
            assertThat(page).contains("delivery-alarm").contains(signed.accession()).contains("Refusé");

            ris.answer(AcknowledgmentCode.AA);
            long deliveryId = jdbc.sql("""
                            select x.id from report_delivery x join report r on r.id = x.report_id
                            where r.exam_id = :e and x.destination_id = :d""")
                    .param("e", signed.examId()).param("d", destination).query(Long.class).single();
            assertThat(as(coordinator).post("/api/deliveries/" + deliveryId + "/retry", null).status()).isEqualTo(202);
            Await.until("delivered once sent again", () -> deliveryState(signed.examId(), destination), "DELIVERED"::equals);
            assertThat(ris.received()).hasSize(2);
            assertThat(ris.received().get(1).getMSH().getMessageControlID().getValue())
                    .isEqualTo(ris.received().get(0).getMSH().getMessageControlID().getValue());
        }
    }

    @Test
    void aDisabledDestinationGetsNothingMoreItsQueuedDeliveryIsCancelledVisiblyAndSentAgainOnlyOnRequest() throws Exception {
        Site site = site();
        int port = freePort();
        long destination = destination(site, "HL7_MLLP", port, "RIS_CLOSED");
        Signed signed = sign(site, 709, "Pas d’anomalie.");
        Await.until("a failed attempt, retried with backoff", () -> attempts(signed.examId(), destination), n -> n >= 1);

        String path = "/api/hospitals/" + site.id() + "/destinations/" + destination;
        assertThat(admin().post(path + "/disable", null).status()).isEqualTo(204);

        assertThat(deliveryState(signed.examId(), destination)).isEqualTo("CANCELLED");
        long deliveryId = deliveryId(signed.examId(), destination);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        JsonNode row = deliveryRow(coordinator, deliveryId);
        assertThat(row.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(row.get("cancelReason").asText()).startsWith("destination disabled by admin at ");
        assertThat(row.get("late").asBoolean()).as("a cancelled delivery is owed to nobody: no alarm").isFalse();
        assertThat(row.get("unreached").asBoolean()).as("the report reaches no system of its hospital").isTrue();
        String page = browser().loggedInAs(coordinator.username(), coordinator.password()).get("/coordination/deliveries").body();
        assertThat(page).contains("delivery-unreached").contains("Annulé").contains("Destination désactivée par admin");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'DELIVERY_CANCELLED' and object = :o")
                .param("o", "exam:" + signed.examId()).query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("""
                        select count(*) from audit_event where action = 'DESTINATION_DISABLED' and object = :o
                        and detail = :d""")
                .param("o", "hospital:" + site.id()).param("d", "destination " + destination + ", 1 deliveries cancelled")
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(examState(signed.examId())).isEqualTo("REPORTED");
        assertThat(as(coordinator).post("/api/deliveries/" + deliveryId + "/retry", null).status())
                .as("nothing is sent to a disabled destination, even on request").isEqualTo(404);

        try (FakeRis ris = new FakeRis(port)) {
            assertThat(admin().post(path + "/enable", null).status()).isEqualTo(204);
            deliveries.enqueue(java.time.Instant.now().minus(DeliveryService.SWEEP_WINDOW)); // the sweep, now
            assertThat(deliveryState(signed.examId(), destination)).as("not resurrected by enabling").isEqualTo("CANCELLED");
            assertThat(jdbc.sql("select count(*) from report_delivery x join report r on r.id = x.report_id where r.exam_id = :e")
                    .param("e", signed.examId()).query(Integer.class).single()).isEqualTo(1);

            assertThat(as(coordinator).post("/api/deliveries/" + deliveryId + "/retry", null).status()).isEqualTo(202);
            Await.until("delivered once sent again", () -> deliveryState(signed.examId(), destination), "DELIVERED"::equals);
            assertThat(ris.received()).hasSize(1);
            Await.until("exam delivered", () -> examState(signed.examId()), "DELIVERED"::equals);
        }
    }

    @Test
    void aSendInFlightWhenItsDestinationIsDisabledIsNotRetriedAndTheOtherDestinationCompletesTheExam() throws Exception {
        Site site = site();
        try (FakeRis healthy = new FakeRis(0); FakeRis slow = new FakeRis(0).ackAfter(2500).answer(AcknowledgmentCode.AE)) {
            long h = destination(site, "HL7_MLLP", healthy.port(), "RIS_MAIN");
            long s = destination(site, "HL7_MLLP", slow.port(), "RIS_OLD");
            Signed signed = sign(site, 710, "Pas d’anomalie.");
            Await.until("delivered to the main RIS", () -> deliveryState(signed.examId(), h), "DELIVERED"::equals);
            Await.until("the old RIS has the message, its answer not yet sent", () -> slow.received().size(), n -> n == 1);
            assertThat(deliveryState(signed.examId(), s)).isEqualTo("SENDING");
            assertThat(examState(signed.examId())).isEqualTo("REPORTED");

            assertThat(admin().post("/api/hospitals/" + site.id() + "/destinations/" + s + "/disable", null).status())
                    .isEqualTo(204);
            assertThat(deliveryState(signed.examId(), s)).isEqualTo("CANCELLED");
            assertThat(examState(signed.examId())).as("no system is owed the report any more").isEqualTo("DELIVERED");

            // The sender hears the old RIS's error after the cancellation: it keeps the error, not a retry.
            Await.until("the late answer recorded", () -> lastError(signed.examId(), s), e -> e.contains("AE"));
            assertThat(deliveryState(signed.examId(), s)).isEqualTo("CANCELLED");
            assertThat(attempts(signed.examId(), s)).isEqualTo(1);
            TestAccount coordinator = createAccount(Role.COORDINATOR, null);
            assertThat(deliveryRow(coordinator, deliveryId(signed.examId(), s)).get("unreached").asBoolean()).isFalse();
        }
    }

    @Test
    void theSenderThatClaimsARowChecksItsDestinationInTheSameStatement() throws Exception {
        Site site = site();
        int port = freePort();
        long destination = destination(site, "HL7_MLLP", port, "RIS_RACE");
        Signed signed = sign(site, 711, "Pas d’anomalie.");
        long delivery = deliveryId(signed.examId(), destination);
        // The first attempt has failed and its retry waits: held back while the destination changes,
        // so that no attempt already claimed can reach the RIS opened below.
        Await.until("a failed attempt, held before its retry", () -> jdbc.sql("""
                        update report_delivery set next_attempt_at = now() + interval '1 hour'
                        where id = :id and state = 'PENDING' and attempts >= 1""")
                .param("id", delivery).update(), n -> n == 1);
        // Disabled behind the service's back (another node, a DBA): the row is still PENDING.
        jdbc.sql("update report_destination set enabled = false where id = :id").param("id", destination).update();

        try (FakeRis ris = new FakeRis(port)) {
            jdbc.sql("update report_delivery set next_attempt_at = now() where id = :id").param("id", delivery).update();
            Await.until("cancelled by the claim", () -> deliveryState(signed.examId(), destination), "CANCELLED"::equals);
            assertThat(ris.received()).isEmpty();
        }
    }

    @Test
    void thePacsReceivesAnEncapsulatedPdfInTheStudyThatDcmdumpReads() throws Exception {
        Dcmtk.requireDcmtk();
        Site site = site();
        Path received = Files.createDirectories(work.resolve("pacs-" + site.id()));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process storescp = new ProcessBuilder("storescp", "-aet", "HOSP_PACS", "-od", received.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(work.resolve("storescp-" + site.id() + ".log").toFile()).start();
        try {
            long destination = destination(site, "DICOM_STORE", port, "HOSP_PACS");
            Signed signed = sign(site, 705, "Fracture de la voûte sans hématome.");

            Await.until("report stored in the PACS", () -> deliveryState(signed.examId(), destination), "DELIVERED"::equals);
            List<Path> files;
            try (Stream<Path> listing = Files.list(received)) {
                files = listing.toList();
            }
            assertThat(files).hasSize(1);
            String dump = run("dcmdump", files.get(0).toString());
            assertThat(dump).contains("EncapsulatedPDFStorage").contains("application/pdf")
                    .contains(signed.studyUid()).contains(signed.accession()).contains(signed.patientId());
            Path pdf = work.resolve("report-" + site.id() + ".pdf");
            run("dcm2pdf", files.get(0).toString(), pdf.toString());
            try (var document = Loader.loadPDF(pdf.toFile())) {
                assertThat(new PDFTextStripper().getText(document)).contains("Fracture de la voûte sans hématome.");
            }
        } finally {
            storescp.destroy();
            storescp.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theHospitalDownloadsThePdfAndReadsTheReportOverFhirAndNobodyElseDoes() throws Exception {
        Site site = site();
        String rpps = String.valueOf(10_000_000_000L + site.radiologist().id() % 1_000_000_000L);
        jdbc.sql("update app_user set rpps = :r where id = :u").param("r", rpps).param("u", site.radiologist().id()).update();
        String center = jdbc.sql("""
                select c.name from seat_presence p join reading_center c on c.id = p.center_id
                where p.user_id = :u""").param("u", site.radiologist().id()).query(String.class).single();
        Signed signed = sign(site, 706, "Pas d’hémorragie intracrânienne.");
        // No destination: the portal and FHIR serve the report; nothing was pushed, so the exam stays REPORTED.
        assertThat(examState(signed.examId())).isEqualTo("REPORTED");

        HttpResponse<byte[]> pdf = bytes(site.physician(), "/api/exams/" + signed.examId() + "/report.pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
        try (var document = Loader.loadPDF(pdf.body())) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains(site.name()).contains("Pas d’hémorragie intracrânienne.").contains(signed.accession())
                    .contains("Signé électroniquement");
            // When the exam was done and read, where, and by whom: what the requesting service files.
            assertThat(text).contains("Demandé par", "Examen du ", "images reçues le ",
                    "Lu par : " + displayNameOf(Role.RADIOLOGIST) + " (RPPS " + rpps + "), " + center);
        }

        JsonNode bundle = as(site.physician()).get("/fhir/DiagnosticReport?identifier=" + signed.accession()).json();
        assertThat(bundle.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.get("total").asInt()).isEqualTo(1);
        JsonNode report = bundle.at("/entry/0/resource");
        assertThat(report.get("resourceType").asText()).isEqualTo("DiagnosticReport");
        assertThat(report.get("status").asText()).isEqualTo("final");
        assertThat(report.get("conclusion").asText()).isEqualTo("Pas d’hémorragie intracrânienne.");
        assertThat(report.at("/presentedForm/0/contentType").asText()).isEqualTo("application/pdf");
        assertThat(as(site.physician()).get("/fhir/DiagnosticReport/" + report.get("id").asText()).json().get("id").asText())
                .isEqualTo(report.get("id").asText());

        Site other = site();
        JsonNode foreign = as(other.physician()).get("/fhir/DiagnosticReport?identifier=" + signed.accession()).json();
        assertThat(foreign.get("total").asInt()).isZero();
        assertThat(as(other.physician()).get("/fhir/DiagnosticReport/" + report.get("id").asText()).status()).isEqualTo(404);
        assertThat(bytes(other.physician(), "/api/exams/" + signed.examId() + "/report.pdf").statusCode()).isEqualTo(404);
        ApiClient.Response bad = as(site.physician()).get("/fhir/DiagnosticReport?identifier=http%3A%2F%2Fother%7Cx");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(as(site.physician()).get("/fhir/DiagnosticReport").status()).isEqualTo(400);
        // A typo in an accession number typed by a person: its check character says so.
        String accession = signed.accession();
        int i = 2;
        while (accession.charAt(i) == accession.charAt(i + 1)) {
            i++;
        }
        String swapped = accession.substring(0, i) + accession.charAt(i + 1) + accession.charAt(i) + accession.substring(i + 2);
        ApiClient.Response typo = as(site.physician()).get("/fhir/DiagnosticReport?identifier=" + swapped);
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().at("/issue/0/diagnostics").asText()).contains(swapped, "wrong check character");
    }

    @Test
    void destinationsAreDeclaredByAdministratorsAndMalformedOnesRefused() {
        Site site = site();
        String path = "/api/hospitals/" + site.id() + "/destinations";
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                destinationBody("HL7_MLLP", 0, "RIS"), destinationBody("HL7_MLLP", 70000, "RIS"),
                destinationBody("FTP", 2575, "RIS"), destinationBody("DICOM_STORE", 104, "AE TITLE MUCH TOO LONG"),
                Map.<String, Object>of("kind", "HL7_MLLP"))) {
            ApiClient.Response refused = admin().post(path, bad);
            assertThat(refused.status()).as(bad.toString()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
        Map<String, Object> hostile = destinationBody("HL7_MLLP", 2575, "RIS");
        hostile.put("host", "ris.example; rm -rf /");
        assertThat(admin().post(path, hostile).status()).isEqualTo(400);
        assertThat(admin().get(path).json()).isEmpty();

        assertThat(as(site.physician()).post(path, destinationBody("HL7_MLLP", 2575, "RIS")).status()).isEqualTo(403);
        ApiClient.Response created = admin().post(path, destinationBody("HL7_MLLP", 2575, "RIS"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(admin().get(path).json()).hasSize(1);
        assertThat(admin().delete(path + "/" + created.json().get("id").asLong()).status()).isEqualTo(204);
        assertThat(admin().get(path).json()).isEmpty();
    }

    // ---- helpers

    private Site site() {
        String ae = uniqueAeTitle("DL");
        String name = unique("CH Envoi");
        long hospital = createHospital(name, ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long center = jdbc.sql("insert into reading_center (name, seats, created_at) values (:n, 4, now()) returning id")
                .param("n", unique("Centre envoi")).query(Long.class).single();
        jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:u, :h)")
                .param("u", radiologist.id()).param("h", hospital).update();
        jdbc.sql("""
                insert into seat_presence (user_id, center_id, checked_in_at, shift_ends_at)
                values (:u, :c, now() - interval '1 minute', now() + interval '12 hours')""")
                .param("u", radiologist.id()).param("c", center).update();
        return new Site(hospital, ae, name, physician, radiologist);
    }

    private static Map<String, Object> destinationBody(String kind, int port, String remoteName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("label", "Système de test");
        body.put("host", "127.0.0.1");
        body.put("port", port);
        body.put("remoteName", remoteName);
        return body;
    }

    private long destination(Site site, String kind, int port, String remoteName) {
        ApiClient.Response created = admin().post("/api/hospitals/" + site.id() + "/destinations",
                destinationBody(kind, port, remoteName));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    /** Request, acceptance, images, claim, draft and signature: the whole way, through the doors people use. */
    private Signed sign(Site site, int seed, String conclusion) throws Exception {
        String patientId = unique("IPP-DL");
        JsonNode filed = RequestFixtures.file(as(site.physician()), RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        String accession = filed.get("accessionNumber").asText();
        RequestFixtures.accept(jdbc, as(site.radiologist()), examId);
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(RequestFixtures.studyFor(filed).slices(1).rows(64).columns(64)
                .seed(seed).build(), work.resolve("s" + seed + "-" + examId));
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), site.ae(), "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        Await.until("exam " + examId + " ready", () -> examState(examId), "READY"::equals);
        ApiClient radiologist = as(site.radiologist());
        Await.until("claimed", () -> radiologist.post("/api/worklist/" + examId + "/claim", null).status(), s -> s == 200);

        Map<String, Object> draft = new LinkedHashMap<>();
        draft.put("version", 0);
        draft.put("indication", "Chute sous anticoagulants.");
        draft.put("technique", "Scanner cérébral sans injection.");
        draft.put("findings", "Pas de collection intra- ou extra-axiale.\nPas d’effet de masse.");
        draft.put("conclusion", conclusion);
        draft.put("critical", false);
        ApiClient.Response saved = radiologist.put("/api/exams/" + examId + "/report", draft);
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        ApiClient.Response signedResponse = radiologist.post("/api/exams/" + examId + "/report/sign",
                Map.of("version", saved.json().get("version").asInt()));
        assertThat(signedResponse.status()).as(signedResponse.body()).isEqualTo(200);
        return new Signed(examId, accession, study.studyInstanceUid(), patientId);
    }

    private String examState(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    private String deliveryState(long examId, long destination) {
        return jdbc.sql("""
                        select x.state from report_delivery x join report r on r.id = x.report_id
                        where r.exam_id = :e and x.destination_id = :d""")
                .param("e", examId).param("d", destination).query(String.class).optional().orElse("NONE");
    }

    private int attempts(long examId, long destination) {
        return jdbc.sql("""
                        select coalesce(max(x.attempts), 0) from report_delivery x join report r on r.id = x.report_id
                        where r.exam_id = :e and x.destination_id = :d""")
                .param("e", examId).param("d", destination).query(Integer.class).single();
    }

    private long deliveryId(long examId, long destination) {
        return jdbc.sql("""
                        select x.id from report_delivery x join report r on r.id = x.report_id
                        where r.exam_id = :e and x.destination_id = :d""")
                .param("e", examId).param("d", destination).query(Long.class).single();
    }

    private JsonNode deliveryRow(TestAccount coordinator, long deliveryId) {
        for (JsonNode row : as(coordinator).get("/api/deliveries").json()) {
            if (row.get("id").asLong() == deliveryId) {
                return row;
            }
        }
        throw new AssertionError("delivery " + deliveryId + " is not listed");
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private String lastError(long examId, long destination) {
        return jdbc.sql("""
                        select x.last_error from report_delivery x join report r on r.id = x.report_id
                        where r.exam_id = :e and x.destination_id = :d""")
                .param("e", examId).param("d", destination).query(String.class).optional().orElse("");
    }

    /** A RIS that reads the message, then sends its ACK one byte every 500 ms and never finishes it. */
    private static final class DribblingRis implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

        DribblingRis() throws java.io.IOException {
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket socket = server.accept();
                        connections.incrementAndGet();
                        Thread t = new Thread(() -> dribble(socket), "dribbling-ris");
                        t.setDaemon(true);
                        t.start();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "dribbling-ris-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void dribble(java.net.Socket socket) {
            try (socket) {
                String text = Mllp.read(socket.getInputStream());
                byte[] ack = Mllp.frame(Hl7Report.parser().parse(text).generateACK(AcknowledgmentCode.AA, null).encode());
                var out = socket.getOutputStream();
                for (int i = 0; ; i++) {
                    // The ACK without its end block, then padding: the answer is never complete.
                    out.write(i < ack.length - 2 ? ack[i] : ' ');
                    out.flush();
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                // the sender gave up and closed the connection
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    private static Map<String, String> texts(ORU_R01 oru) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        var order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            OBX obx = order.getOBSERVATION(i).getOBX();
            if ("TX".equals(obx.getValueType().getValue())) {
                List<String> lines = new ArrayList<>();
                for (var v : obx.getObservationValue()) {
                    lines.add(v.getData().encode());
                }
                out.put(obx.getObservationIdentifier().getIdentifier().getValue(), String.join("\n", lines));
            }
        }
        return out;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    private HttpResponse<byte[]> bytes(TestAccount account, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
