package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StowRsIT extends BaseIntegrationTest {

    @org.springframework.beans.factory.annotation.Autowired
    fr.relais.storage.ObjectStore store;

    private static final String BOUNDARY = "relais-test-boundary-7d3f";
    private static final String MULTIPART = "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;

    @TempDir
    Path work;

    @Test
    void aRequestWithOneBadPartStoresTheGoodPartsAndReportsTheBadOne() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(3).seed(31).build(), work);
        byte[] first = Files.readAllBytes(study.files().get(0));
        byte[] truncated = Arrays.copyOf(Files.readAllBytes(study.files().get(1)), 2000);
        byte[] third = Files.readAllBytes(study.files().get(2));

        ApiClient.Response response = as(technologist).postBytes("/dicomweb/studies", MULTIPART,
                multipart(first, truncated, third));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.contentType()).startsWith("application/dicom+json");
        JsonNode body = response.json();
        JsonNode stored = body.get("00081199").get("Value");
        assertThat(stored).hasSize(2);
        assertThat(List.of(stored.get(0).get("00081155").get("Value").get(0).asText(),
                stored.get(1).get("00081155").get("Value").get(0).asText()))
                .containsExactlyInAnyOrder(study.sopInstanceUids().get(0), study.sopInstanceUids().get(2));
        assertThat(stored.get(0).get("00081190").get("Value").get(0).asText())
                .contains("/dicomweb/studies/" + study.studyInstanceUid() + "/series/");
        JsonNode failed = body.get("00081198").get("Value");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("00081197").get("Value").get(0).asInt()).isEqualTo(0xC000);
        assertThat(failed.get(0).get("00000902").get("Value").get(0).asText()).contains("truncated");

        assertThat(jdbc.sql("""
                select count(*) from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.hospital_id = :h""").param("h", hospital).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void anImageWhosePixelDataCannotHoldItsFramesFailsWithItsReasonAndTheGoodPartIsStored() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(34).build(), work);
        fr.relais.dicom.TestObjects.Image crafted = fr.relais.dicom.TestObjects.image()
                .rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7);

        ApiClient.Response response = as(technologist).postBytes("/dicomweb/studies", MULTIPART,
                multipart(Files.readAllBytes(study.files().get(0)), crafted.file()));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        JsonNode failed = response.json().get("00081198").get("Value");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("00081155").get("Value").get(0).asText()).isEqualTo(crafted.sopInstanceUid());
        assertThat(failed.get(0).get("00081197").get("Value").get(0).asInt()).isEqualTo(0xC000);
        assertThat(failed.get(0).get("00000902").get("Value").get(0).asText())
                .isEqualTo("SamplesPerPixel 0 is not 1 to 4; NumberOfFrames 300000000 does not fit the 8 bytes of Pixel Data");
        assertThat(response.json().get("00081199").get("Value")).hasSize(1);
        assertThat(jdbc.sql("select count(*) from instance where sop_instance_uid = :uid")
                .param("uid", crafted.sopInstanceUid()).query(Long.class).single()).isZero();
    }

    @Test
    void allPartsGoodIsOkAndAllBadIsConflict() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(32).build(), work);

        ApiClient.Response ok = as(technologist).postBytes("/dicomweb/studies", MULTIPART,
                multipart(Files.readAllBytes(study.files().get(0))));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);

        ApiClient.Response garbage = as(technologist).postBytes("/dicomweb/studies", MULTIPART,
                multipart("not DICOM at all".getBytes(StandardCharsets.US_ASCII)));
        assertThat(garbage.status()).as(garbage.body()).isEqualTo(409);
        assertThat(garbage.json().get("00081198").get("Value")).hasSize(1);
    }

    @Test
    void stowRsSharesTheDicomDoorsMemoryBudgetAndAsksToRetryWhenItIsFull() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(34).build(), work);
        byte[] file = Files.readAllBytes(study.files().get(0));
        fr.relais.dicom.ReceptionBudget budget = dicomDoor.budget();
        // Other receptions hold all of the budget but a few bytes.
        fr.relais.dicom.ReceptionBudget.Reservation others = budget.reserve();
        assertThat(others.grow((budget.capacity() - budget.reserved()) / 4 - 1024)).isTrue();
        try {
            ApiClient.Response refused = as(technologist).postBytes("/dicomweb/studies", MULTIPART, multipart(file));
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            JsonNode failed = refused.json().get("00081198").get("Value").get(0);
            assertThat(failed.get("00081197").get("Value").get(0).asInt()).isEqualTo(0xA700);
            assertThat(failed.get("00000902").get("Value").get(0).asText()).contains("retry later");
        } finally {
            others.close();
        }
        assertThat(as(technologist).postBytes("/dicomweb/studies", MULTIPART, multipart(file)).status()).isEqualTo(200);
    }

    @Test
    void aLargePartGoesToTheStoreAsItArrivesAndIsCheckedLikeAnyOther() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        String study = "1.2.826.0.1.3680043.10.1012.80." + System.nanoTime();
        // 40 frames of 512 x 512 (20 MiB), past what a reception keeps in memory; then one whose header lies.
        byte[] large = Files.readAllBytes(fr.relais.dicom.MultiFrameFile.write(work.resolve("large.dcm"), 40, 40, 512, 512,
                "IPP-STOW-L", study, study + ".1.1", true));
        byte[] lying = Files.readAllBytes(fr.relais.dicom.MultiFrameFile.write(work.resolve("lying.dcm"), 40, 41, 512, 512,
                "IPP-STOW-L", study, study + ".1.2", false));

        ApiClient.Response response = as(technologist).postBytes("/dicomweb/studies", MULTIPART, multipart(large, lying));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().get("00081199").get("Value")).hasSize(1);
        assertThat(response.json().get("00081198").get("Value").get(0).get("00000902").get("Value").get(0).asText())
                .contains("Pixel Data has 20971520 bytes, not the 21495808");
        String key = jdbc.sql("select object_key from instance where sop_instance_uid = :uid").param("uid", study + ".1.1")
                .query(String.class).single();
        // Written chunk by chunk as it arrived (an object held whole is one chunk of its own size).
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(store.root().resolve(key)), 12);
        assertThat(new String(head, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("RLSOBJ03");
        assertThat(java.nio.ByteBuffer.wrap(head, 8, 4).getInt()).isEqualTo(fr.relais.storage.ObjectStore.STREAM_CHUNK);
        byte[] stored = store.read(key);
        assertThat(java.util.Arrays.equals(stored, fr.relais.dicom.Part10.dataSetOffset(stored), stored.length,
                large, fr.relais.dicom.Part10.dataSetOffset(large), large.length))
                .as("our meta header, then the data set as sent").isTrue();
        assertThat(jdbc.sql("select count(*) from instance where sop_instance_uid = :uid").param("uid", study + ".1.2")
                .query(Long.class).single()).isZero();

        // Posted to another study, the large part is refused like a small one.
        ApiClient.Response elsewhere = as(technologist).postBytes("/dicomweb/studies/1.2.3.4.5", MULTIPART, multipart(large));
        assertThat(elsewhere.status()).isEqualTo(409);
        assertThat(elsewhere.json().get("00081198").get("Value").get(0).get("00081197").get("Value").get(0).asInt())
                .isEqualTo(0xA900);
    }

    @Test
    void anInstanceOfAnotherStudyIsRefusedWhenPostedToAStudy() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(33).build(), work);

        ApiClient.Response response = as(technologist).postBytes("/dicomweb/studies/1.2.3.4.5", MULTIPART,
                multipart(Files.readAllBytes(study.files().get(0))));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("00081198").get("Value").get(0).get("00081197").get("Value").get(0).asInt())
                .isEqualTo(0xA900);
    }

    @Test
    void malformedRequestsGetAProblemAndStoreNothing() {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);

        ApiClient.Response wrongType = as(technologist).postBytes("/dicomweb/studies", "application/json", "{}".getBytes());
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");

        ApiClient.Response noBoundary = as(technologist).postBytes("/dicomweb/studies",
                "multipart/related; type=\"application/dicom\"", "x".getBytes());
        assertThat(noBoundary.status()).isEqualTo(400);
        assertThat(noBoundary.json().get("detail").asText()).contains("boundary");

        ApiClient.Response unclosed = as(technologist).postBytes("/dicomweb/studies", MULTIPART,
                ("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\nabc").getBytes(StandardCharsets.US_ASCII));
        assertThat(unclosed.status()).isEqualTo(400);
        assertThat(unclosed.contentType()).startsWith("application/problem+json");

        assertThat(jdbc.sql("""
                select count(*) from study where hospital_id = :h""").param("h", hospital).query(Integer.class).single())
                .isZero();
    }

    @Test
    void onlyAuthenticatedHospitalAccountsMayStore() throws Exception {
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(34).build(), work);
        byte[] body = multipart(Files.readAllBytes(study.files().get(0)));

        assertThat(anonymous().postBytes("/dicomweb/studies", MULTIPART, body).status()).isEqualTo(401);
        ApiClient.Response asAdmin = admin().postBytes("/dicomweb/studies", MULTIPART, body);
        assertThat(asAdmin.status()).isEqualTo(403);
        assertThat(asAdmin.json().get("detail").asText()).contains("hospital accounts");
    }

    @Test
    void aBodyOfManyPartsIsStreamedAndEveryInstanceStored() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).rows(512).columns(512)
                .seed(35).build(), work);
        byte[] slice = Files.readAllBytes(study.files().get(0));
        String uid = study.sopInstanceUids().get(0);
        int parts = 300;

        // About 160 MB sent as it is generated (chunked): neither side ever holds the whole body.
        HttpResponse<String> response = streamed(technologist, parts, k -> withUid(slice, uid, k), parts);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).get("00081199").get("Value")).hasSize(parts);
        assertThat(instances(hospital)).isEqualTo(parts);
    }

    @Test
    void aTruncatedLastPartIsReportedFailedAndThePartsBeforeItStored() throws Exception {
        long hospital = createHospital(unique("CH Stow"), uniqueAeTitle("STOW"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(36).build(), work);
        byte[] slice = Files.readAllBytes(study.files().get(0));
        String uid = study.sopInstanceUids().get(0);

        // Three whole parts, then a fourth cut short: the body ends without its closing boundary.
        HttpResponse<String> response = streamed(technologist, 4,
                k -> k < 3 ? withUid(slice, uid, k) : Arrays.copyOf(withUid(slice, uid, k), slice.length / 2), 3);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("00081199").get("Value")).hasSize(3);
        JsonNode failed = body.get("00081198").get("Value");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("00081197").get("Value").get(0).asInt()).isEqualTo(0xC000);
        assertThat(failed.get(0).get("00000902").get("Value").get(0).asText()).contains("part 4 is truncated");
        assertThat(instances(hospital)).isEqualTo(3);
    }

    /**
     * POSTs count parts, generated one at a time, in a chunked request; only the first closed ones
     * are followed by their delimiter (and the close delimiter ends the body only when all are).
     */
    private HttpResponse<String> streamed(TestAccount account, int count, java.util.function.IntFunction<byte[]> part,
                                          int closed) throws Exception {
        java.util.Enumeration<InputStream> pieces = new java.util.Enumeration<>() {
            private int k;

            @Override
            public boolean hasMoreElements() {
                return k <= count;
            }

            @Override
            public InputStream nextElement() {
                int n = k++;
                if (n == count) {
                    return new ByteArrayInputStream(closed == count
                            ? ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII) : new byte[0]);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(part.apply(n));
                if (n < closed) {
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                return new ByteArrayInputStream(out.toByteArray());
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dicomweb/studies"))
                .header("Content-Type", MULTIPART)
                .header("Authorization", ApiClient.basic(account.username(), account.password()))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(pieces)))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The file with its SOP instance UID's last digits made k: same length, a UID of its own. */
    private static byte[] withUid(byte[] file, String uid, int k) {
        String renewed = uid.substring(0, uid.length() - 6) + String.format("%06d", k);
        byte[] from = uid.getBytes(StandardCharsets.US_ASCII);
        byte[] to = renewed.getBytes(StandardCharsets.US_ASCII);
        byte[] out = file.clone();
        for (int i = 0; i + from.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, out, i, to.length);
            }
        }
        return out;
    }

    private int instances(long hospital) {
        return jdbc.sql("""
                select count(*) from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.hospital_id = :h""").param("h", hospital).query(Integer.class).single();
    }

    private static byte[] multipart(byte[]... files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] file : files) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
