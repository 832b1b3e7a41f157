package fr.relais.intake;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StowRsIT extends BaseIntegrationTest {

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
