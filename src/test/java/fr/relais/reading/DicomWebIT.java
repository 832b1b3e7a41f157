package fr.relais.reading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.DicomTestReader;
import fr.relais.dicom.Part10;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DICOMweb on a study that went the whole way: request, acceptance, storescu, READY, claim by a
 * radiologist on a seat. The study is built once for the class (the Spring context is shared).
 */
class DicomWebIT extends BaseIntegrationTest {

    private static final int ROWS = 64, COLUMNS = 96, SLICES = 3;

    @TempDir
    static Path work;

    private record Setup(GeneratedStudy study, long examId, long studyId, long hospitalId,
                         TestAccount holder, TestAccount other, TestAccount physician) {}

    private static Setup setup;

    @BeforeEach
    void readStudy() throws Exception {
        if (setup != null) {
            return;
        }
        String ae = uniqueAeTitle("DW");
        long hospital = createHospital(unique("CH DICOMweb"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount holder = createAccount(Role.RADIOLOGIST, null);
        TestAccount other = createAccount(Role.RADIOLOGIST, null);
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt("IPP-DW", "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(holder), examId);
        GeneratedStudy study = send(ae, RequestFixtures.studyFor(filed).slices(SLICES).rows(ROWS).columns(COLUMNS)
                .seed(501).build());
        awaitState(examId, "READY");

        long center = jdbc.sql("insert into reading_center (name, seats, created_at) values (:n, 4, now()) returning id")
                .param("n", unique("Centre DICOMweb")).query(Long.class).single();
        for (TestAccount r : List.of(holder, other)) {
            jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:u, :h) on conflict do nothing")
                    .param("u", r.id()).param("h", hospital).update();
            jdbc.sql("""
                    insert into seat_presence (user_id, center_id, checked_in_at, shift_ends_at)
                    values (:u, :c, now() - interval '1 minute', now() + interval '12 hours')""")
                    .param("u", r.id()).param("c", center).update();
        }
        Await.until("exam " + examId + " claimable", () -> as(holder).post("/api/worklist/" + examId + "/claim", null).status(),
                s -> s == 200);
        assertThat(state(examId)).isEqualTo("IN_READING");
        long studyId = jdbc.sql("select study_id from exam where id = :id").param("id", examId).query(Long.class).single();
        setup = new Setup(study, examId, studyId, hospital, holder, other, physician);
    }

    @Test
    void qidoListsTheStudyForItsHolderAndNotForAnotherRadiologist() {
        String uid = setup.study().studyInstanceUid();
        ApiClient.Response studies = as(setup.holder()).get("/dicomweb/studies");
        assertThat(studies.status()).as(studies.body()).isEqualTo(200);
        assertThat(studies.contentType()).startsWith("application/dicom+json");
        assertThat(uids(studies.json(), "0020000D")).contains(uid);

        JsonNode found = as(setup.holder()).get("/dicomweb/studies?StudyInstanceUID=" + uid).json();
        assertThat(found).hasSize(1);
        JsonNode s = found.get(0);
        assertThat(s.at("/00080061/Value/0").asText()).isEqualTo("CT");
        assertThat(s.at("/00080061/vr").asText()).isEqualTo("CS");
        assertThat(s.at("/00201206/Value/0").asInt()).isEqualTo(1);
        assertThat(s.at("/00201208/Value/0").asInt()).isEqualTo(SLICES);
        assertThat(s.at("/00080020/Value/0").asText()).matches("\\d{8}");
        String accession = s.at("/00080050/Value/0").asText();
        assertThat(as(setup.holder()).get("/dicomweb/studies?AccessionNumber=" + accession).json()).hasSize(1);
        assertThat(as(setup.holder()).get("/dicomweb/studies?AccessionNumber=NOPE").json()).isEmpty();
        assertThat(as(setup.holder()).get("/dicomweb/studies?ModalitiesInStudy=MR").json()).isEmpty();
        assertThat(as(setup.holder()).get("/dicomweb/studies?Modality=CT").json()).hasSize(1);

        assertThat(uids(as(setup.other()).get("/dicomweb/studies").json(), "0020000D")).doesNotContain(uid);
        assertThat(as(setup.physician()).get("/dicomweb/studies?StudyInstanceUID=" + uid).json()).isEmpty();
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        assertThat(coordinator.get("/dicomweb/studies?StudyInstanceUID=" + uid).json()).hasSize(1);

        JsonNode series = as(setup.holder()).get("/dicomweb/studies/" + uid + "/series").json();
        assertThat(series).hasSize(1);
        assertThat(series.get(0).at("/0020000E/Value/0").asText()).isEqualTo(setup.study().seriesInstanceUid());
        assertThat(series.get(0).at("/00080060/Value/0").asText()).isEqualTo("CT");
        assertThat(series.get(0).at("/00201209/Value/0").asInt()).isEqualTo(SLICES);
        assertThat(as(setup.holder()).get("/dicomweb/studies/" + uid + "/series?SeriesInstanceUID=1.2.3").json()).isEmpty();

        String instancesPath = "/dicomweb/studies/" + uid + "/series/" + setup.study().seriesInstanceUid() + "/instances";
        JsonNode instances = as(setup.holder()).get(instancesPath).json();
        assertThat(uids(instances, "00080018")).containsExactlyElementsOf(setup.study().sopInstanceUids());
        assertThat(instances.get(0).at("/00080016/Value/0").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(instances.get(0).at("/00200013/Value/0").asInt()).isEqualTo(1);
        ApiClient.Response cut = as(setup.holder()).get(instancesPath + "?limit=1&offset=1");
        assertThat(uids(cut.json(), "00080018")).containsExactly(setup.study().sopInstanceUids().get(1));
        // A page cut by its limit says there is more (PS3.18 8.3.4.4); the last page does not.
        assertThat(cut.raw().headers().firstValue("Warning")).hasValueSatisfying(w -> assertThat(w)
                .startsWith("299 ").contains("There are additional results that can be requested"));
        ApiClient.Response last = as(setup.holder()).get(instancesPath + "?limit=1&offset=" + (SLICES - 1));
        assertThat(uids(last.json(), "00080018")).containsExactly(setup.study().sopInstanceUids().get(SLICES - 1));
        assertThat(last.raw().headers().firstValue("Warning")).isEmpty();
        assertThat(as(setup.holder()).get(instancesPath).raw().headers().firstValue("Warning")).isEmpty();
    }

    @Test
    void seriesMetadataIsDicomJsonOfEveryInstanceWithoutPixelsAndAudited() throws Exception {
        Bytes response = bytes(setup.holder(), seriesPath() + "/metadata");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/dicom+json");
        JsonNode metadata = new ObjectMapper().readTree(response.body());
        assertThat(metadata.isArray()).isTrue();
        assertThat(metadata).hasSize(SLICES);
        for (JsonNode instance : metadata) {
            assertThat(instance.at("/00280010/vr").asText()).isEqualTo("US");
            assertThat(instance.at("/00280010/Value/0").asInt()).isEqualTo(ROWS);
            assertThat(instance.at("/00280011/Value/0").asInt()).isEqualTo(COLUMNS);
            assertThat(instance.at("/0020000D/Value/0").asText()).isEqualTo(setup.study().studyInstanceUid());
            assertThat(instance.at("/00100010/Value/0/Alphabetic").isTextual()).isTrue();
            assertThat(instance.at("/00281052/Value/0").isNumber()).isTrue(); // DS as a JSON number
            assertThat(instance.at("/00200013/Value/0").isNumber()).isTrue(); // IS as a JSON number
            assertThat(instance.has("7FE00010")).isFalse();
            assertThat(instance.has("00020010")).isFalse();
            instance.fieldNames().forEachRemaining(tag -> assertThat(tag).matches("[0-9A-F]{8}"));
        }
        assertThat(uids(metadata, "00080018")).containsExactlyInAnyOrderElementsOf(setup.study().sopInstanceUids());
        assertThat(audits("STUDY_OPENED", setup.holder())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFrameIsByteExactAndOutOfRangeOrMalformedFramesAreRefused() throws Exception {
        SyntheticCt.Instance second = setup.study().instances().get(1);
        String path = seriesPath() + "/instances/" + second.sopInstanceUid() + "/frames/1";
        int auditsBefore = audits("DICOMWEB_RETRIEVED", setup.holder()) + audits("STUDY_OPENED", setup.holder());

        Bytes response = bytes(setup.holder(), path);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("multipart/related").contains("application/octet-stream");
        List<Part> parts = parts(response);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).contentType()).startsWith("application/octet-stream");
        short[] pixels = DicomTestReader.read(second.file()).pixels();
        byte[] expected = new byte[pixels.length * 2];
        for (int i = 0; i < pixels.length; i++) {
            expected[2 * i] = (byte) pixels[i];
            expected[2 * i + 1] = (byte) (pixels[i] >>> 8);
        }
        assertThat(parts.get(0).body()).hasSize(ROWS * COLUMNS * 2).isEqualTo(expected);
        assertThat(parts(bytes(setup.holder(), path.replace("/frames/1", "/frames/1,1")))).hasSize(2);
        // Frames are not audited one by one.
        assertThat(audits("DICOMWEB_RETRIEVED", setup.holder()) + audits("STUDY_OPENED", setup.holder()))
                .isEqualTo(auditsBefore);

        assertThat(bytes(setup.holder(), path.replace("/frames/1", "/frames/2")).status()).isEqualTo(404);
        for (String bad : List.of("0", "abc", "1,", "-1", "1,x")) {
            Bytes refused = bytes(setup.holder(), path.replace("/frames/1", "/frames/" + bad));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void anInstanceComesBackWithItsDataSetByteExactAndTheRetrievalIsAudited() throws Exception {
        SyntheticCt.Instance first = setup.study().instances().get(0);
        int before = audits("DICOMWEB_RETRIEVED", setup.holder());

        Bytes response = bytes(setup.holder(), seriesPath() + "/instances/" + first.sopInstanceUid());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("multipart/related").contains("application/dicom");
        List<Part> parts = parts(response);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).contentType()).isEqualTo("application/dicom");
        byte[] original = Files.readAllBytes(first.file());
        byte[] served = parts.get(0).body();
        assertThat(Arrays.copyOfRange(served, Part10.dataSetOffset(served), served.length))
                .isEqualTo(Arrays.copyOfRange(original, Part10.dataSetOffset(original), original.length));
        assertThat(audits("DICOMWEB_RETRIEVED", setup.holder())).isEqualTo(before + 1);

        List<Part> series = parts(bytes(setup.holder(), seriesPath()));
        assertThat(series).hasSize(SLICES);
        assertThat(audits("DICOMWEB_RETRIEVED", setup.holder())).isEqualTo(before + 2);
    }

    @Test
    void whoeverMayNotReadTheStudyGetsNotFound() throws Exception {
        String instance = setup.study().sopInstanceUids().get(0);
        List<String> paths = List.of(
                "/dicomweb/studies/" + setup.study().studyInstanceUid() + "/series",
                seriesPath() + "/instances",
                seriesPath() + "/metadata",
                seriesPath() + "/instances/" + instance,
                seriesPath() + "/instances/" + instance + "/frames/1",
                "/dicomweb/studies/" + setup.study().studyInstanceUid());
        for (TestAccount stranger : List.of(setup.other(), setup.physician())) {
            for (String path : paths) {
                Bytes response = bytes(stranger, path);
                assertThat(response.status()).as(stranger.role() + " " + path).isEqualTo(404);
                assertThat(response.contentType()).startsWith("application/problem+json");
            }
        }
        assertThat(audits("DICOMWEB_DENIED", setup.other())).isGreaterThanOrEqualTo(paths.size());
        assertThat(audits("DICOMWEB_DENIED", setup.physician())).isGreaterThanOrEqualTo(paths.size());
        // An unknown study answers exactly the same.
        assertThat(bytes(setup.holder(), "/dicomweb/studies/1.2.3.4/series").status()).isEqualTo(404);
        assertThat(anonymous().get("/dicomweb/studies").status()).isEqualTo(401);
    }

    @Test
    void aQuarantinedStudyIsHiddenEvenFromTheAdministrator() throws Exception {
        String ae = uniqueAeTitle("DQ");
        long hospital = createHospital(unique("CH DICOMweb quarantaine"), ae);
        ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt("IPP-DQ", "PENDING"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(createAccount(Role.RADIOLOGIST, null)), examId);
        GeneratedStudy study = send(ae, RequestFixtures.studyFor(filed).slices(1).rows(64).columns(64)
                .seed(502).build());
        awaitState(examId, "QUARANTINED");

        String series = "/dicomweb/studies/" + study.studyInstanceUid() + "/series/" + study.seriesInstanceUid();
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        for (ApiClient privileged : List.of(admin(), as(coordinator))) {
            assertThat(privileged.get("/dicomweb/studies?StudyInstanceUID=" + study.studyInstanceUid()).json()).isEmpty();
            assertThat(privileged.get(series + "/metadata").status()).isEqualTo(404);
            assertThat(privileged.get(series + "/instances/" + study.sopInstanceUids().get(0)).status()).isEqualTo(404);
        }
        // The coordinator does see the ready one.
        assertThat(as(coordinator).get(seriesPath() + "/metadata").status()).isEqualTo(200);
        assertThat(audits("STUDY_OPENED", coordinator)).isEqualTo(1);
    }

    @Test
    void malformedUidsAndPagingAreBadRequests() {
        ApiClient holder = as(setup.holder());
        for (String path : List.of("/dicomweb/studies/1.02.3/series", "/dicomweb/studies/abc/series",
                "/dicomweb/studies/" + setup.study().studyInstanceUid() + "/series/1..2/metadata",
                "/dicomweb/studies?StudyInstanceUID=x.y", "/dicomweb/studies?limit=-1", "/dicomweb/studies?offset=z")) {
            ApiClient.Response response = holder.get(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
        }
    }

    // ---- helpers

    private String seriesPath() {
        return "/dicomweb/studies/" + setup.study().studyInstanceUid() + "/series/" + setup.study().seriesInstanceUid();
    }

    private GeneratedStudy send(String ae, SyntheticCt.StudySpec spec) throws Exception {
        GeneratedStudy study = SyntheticCt.generate(spec, work.resolve("s" + spec.seed()));
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        return study;
    }

    private String state(long examId) {
        return jdbc.sql("select state from exam where id = :id").param("id", examId).query(String.class).single();
    }

    private void awaitState(long examId, String wanted) {
        Await.until("exam " + examId + " in state " + wanted, () -> state(examId), wanted::equals);
    }

    private int audits(String action, TestAccount actor) {
        return jdbc.sql("select count(*) from audit_event where action = :a and actor = :u and object = :o")
                .param("a", action).param("u", actor.username()).param("o", "study:" + setup.studyId())
                .query(Integer.class).single();
    }

    private static List<String> uids(JsonNode array, String tag) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.at("/" + tag + "/Value/0").asText()));
        return out;
    }

    private record Bytes(int status, String contentType, byte[] body) {}

    private record Part(String contentType, byte[] body) {}

    private Bytes bytes(TestAccount account, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Bytes(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    /** A plain multipart/related reader for the test: parts between CRLF--boundary delimiters. */
    private static List<Part> parts(Bytes response) {
        assertThat(response.status()).isEqualTo(200);
        String boundary = null;
        for (String p : response.contentType().split(";")) {
            if (p.trim().startsWith("boundary=")) {
                boundary = p.trim().substring("boundary=".length()).replace("\"", "");
            }
        }
        assertThat(boundary).isNotNull();
        byte[] body = response.body();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int after = at + delimiter.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), after);
            String headers = new String(body, after, headersEnd - after, StandardCharsets.US_ASCII);
            String type = null;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    type = line.substring("content-type:".length()).trim();
                }
            }
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), headersEnd + 4);
            parts.add(new Part(type, Arrays.copyOfRange(body, headersEnd + 4, next)));
            at = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private java.net.http.HttpResponse<byte[]> getBytes(TestAccount account, String path, String accept) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((account.username() + ":" + account.password())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Basic " + basic).header("Accept", accept).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    }

    private static double meanGrey(byte[] encoded) throws Exception {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(encoded));
        long sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                sum += image.getRaster().getSample(x, y, 0);
            }
        }
        return (double) sum / (image.getWidth() * image.getHeight());
    }

    @Test
    void renderedAndThumbnailDecodeAsImagesOfTheRightSizeAndFollowTheWindow() throws Exception {
        String base = "/dicomweb/studies/" + setup.study().studyInstanceUid() + "/series/"
                + setup.study().seriesInstanceUid() + "/instances/" + setup.study().sopInstanceUids().get(1);

        java.net.http.HttpResponse<byte[]> jpeg = getBytes(setup.holder(), base + "/rendered", "image/jpeg");
        assertThat(jpeg.statusCode()).isEqualTo(200);
        assertThat(jpeg.headers().firstValue("Content-Type").orElse("")).startsWith("image/jpeg");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg.body()));
        assertThat(image.getWidth()).isEqualTo(COLUMNS);
        assertThat(image.getHeight()).isEqualTo(ROWS);

        java.net.http.HttpResponse<byte[]> png = getBytes(setup.holder(), base + "/frames/1/rendered?window=40,80", "image/png");
        assertThat(png.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
        // A brain window whitens the bone and blackens the air; a very wide window greys everything.
        double brain = meanGrey(png.body());
        double wide = meanGrey(getBytes(setup.holder(), base + "/frames/1/rendered?window=0,20000", "image/png").body());
        assertThat(Math.abs(brain - wide)).isGreaterThan(5);
        assertThat(wide).isBetween(100.0, 160.0);

        java.net.http.HttpResponse<byte[]> thumbnail = getBytes(setup.holder(), base + "/thumbnail?viewport=48,48", "image/png");
        java.awt.image.BufferedImage small = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(48);

        assertThat(getBytes(setup.holder(), base + "/rendered?window=40,0", "image/png").statusCode()).isEqualTo(400);
        assertThat(getBytes(setup.holder(), base + "/thumbnail?viewport=0,10", "image/png").statusCode()).isEqualTo(400);
        assertThat(getBytes(setup.holder(), base + "/frames/9/rendered", "image/png").statusCode()).isEqualTo(404);
        assertThat(getBytes(setup.other(), base + "/rendered", "image/jpeg").statusCode()).isEqualTo(404);
    }

    @Test
    void metadataIsAnsweredFromTheIndexWhichNeverHoldsThePatientsName() throws Exception {
        List<String> stored = jdbc.sql("""
                        select i.metadata from instance i join series x on x.id = i.series_id where x.study_id = :s""")
                .param("s", setup.studyId()).query(String.class).list();
        assertThat(stored).hasSize(SLICES).allSatisfy(m -> assertThat(m).contains("\"0020000D\"").doesNotContain("00100010"));

        // What the index says is what is answered: a mark put in the index shows in the answer.
        String sop = setup.study().sopInstanceUids().get(0);
        String original = jdbc.sql("select metadata from instance where sop_instance_uid = :sop").param("sop", sop)
                .query(String.class).single();
        try {
            jdbc.sql("update instance set metadata = :m where sop_instance_uid = :sop").param("sop", sop)
                    .param("m", "{\"00324000\":{\"vr\":\"LT\",\"Value\":[\"MARK\"]}," + original.substring(1)).update();
            JsonNode metadata = new ObjectMapper().readTree(bytes(setup.holder(), seriesPath() + "/metadata").body());
            assertThat(metadata.toString()).contains("MARK");
            // The name and birth date, sealed in the index, are put back in every instance.
            for (JsonNode instance : metadata) {
                assertThat(instance.at("/00100010/vr").asText()).isEqualTo("PN");
                assertThat(instance.at("/00100010/Value/0/Alphabetic").asText()).isNotBlank();
                assertThat(instance.at("/00100030/vr").asText()).isEqualTo("DA");
            }
        } finally {
            jdbc.sql("update instance set metadata = :m where sop_instance_uid = :sop").param("sop", sop)
                    .param("m", original).update();
        }
    }

    @Test
    void instancesIndexedBeforeTheIndexKeptMetadataAreFilledOnFirstAsk() throws Exception {
        JsonNode before = new ObjectMapper().readTree(bytes(setup.holder(), seriesPath() + "/metadata").body());
        jdbc.sql("update instance i set metadata = null from series x where x.id = i.series_id and x.study_id = :s")
                .param("s", setup.studyId()).update();

        JsonNode after = new ObjectMapper().readTree(bytes(setup.holder(), seriesPath() + "/metadata").body());

        assertThat(after).isEqualTo(before);
        assertThat(jdbc.sql("""
                        select count(*) from instance i join series x on x.id = i.series_id
                        where x.study_id = :s and i.metadata is null""")
                .param("s", setup.studyId()).query(Integer.class).single()).isZero();
    }

    @Test
    void studyAndInstanceMetadataAnswerTheSameObjects() throws Exception {
        String sop = setup.study().sopInstanceUids().get(2);
        JsonNode study = new ObjectMapper().readTree(bytes(setup.holder(),
                "/dicomweb/studies/" + setup.study().studyInstanceUid() + "/metadata").body());
        JsonNode one = new ObjectMapper().readTree(bytes(setup.holder(), seriesPath() + "/instances/" + sop + "/metadata").body());

        assertThat(study).hasSize(SLICES);
        assertThat(one).hasSize(1);
        assertThat(one.get(0).at("/00080018/Value/0").asText()).isEqualTo(sop);
        assertThat(study).contains(one.get(0));
        assertThat(bytes(setup.other(), seriesPath() + "/instances/" + sop + "/metadata").status()).isEqualTo(404);
    }

    @Test
    void framesComeInTheSyntaxAskedForAndUncompressedOnesAreNeverCompressed() throws Exception {
        String path = seriesPath() + "/instances/" + setup.study().sopInstanceUids().get(0) + "/frames/1";

        HttpResponse<byte[]> any = getBytes(setup.holder(), path,
                "multipart/related; type=application/octet-stream; transfer-syntax=*");
        assertThat(any.statusCode()).isEqualTo(200);
        String stored = jdbc.sql("select transfer_syntax from instance where sop_instance_uid = :sop")
                .param("sop", setup.study().sopInstanceUids().get(0)).query(String.class).single();
        assertThat(any.headers().firstValue("Content-Type").orElseThrow()).contains("transfer-syntax=" + stored);

        HttpResponse<byte[]> explicit = getBytes(setup.holder(), path,
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1");
        assertThat(explicit.headers().firstValue("Content-Type").orElseThrow()).contains("transfer-syntax=1.2.840.10008.1.2.1");
        assertThat(parts(new Bytes(200, explicit.headers().firstValue("Content-Type").orElseThrow(), explicit.body())).get(0).body())
                .isEqualTo(parts(new Bytes(200, any.headers().firstValue("Content-Type").orElseThrow(), any.body())).get(0).body());

        HttpResponse<byte[]> jpeg = getBytes(setup.holder(), path, "multipart/related; type=\"image/jpeg\"");
        assertThat(jpeg.statusCode()).isEqualTo(406);
        assertThat(new String(jpeg.body(), StandardCharsets.UTF_8)).contains("transcod");
    }

    @Test
    void theClaimantReadsThePriorsOfThePatientAndNobodyElseDoes() throws Exception {
        String ae = uniqueAeTitle("PR");
        long hospital = createHospital(unique("CH antériorités"), ae);
        ApiClient physician = as(createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        TestAccount reader = createAccount(Role.RADIOLOGIST, null);
        String patient = unique("IPP-PR");
        long[] exams = new long[3];
        GeneratedStudy[] studies = new GeneratedStudy[3];
        for (int k = 0; k < 3; k++) {
            // The third study is of another patient of the same hospital: never a prior.
            String patientId = k < 2 ? patient : unique("IPP-OTHER");
            JsonNode filed = RequestFixtures.file(physician, RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
            exams[k] = filed.get("id").asLong();
            RequestFixtures.accept(jdbc, as(reader), exams[k]);
            studies[k] = send(ae, RequestFixtures.studyFor(filed).slices(1).rows(64).columns(64).patientId(patientId)
                    .seed(610 + k).build());
            awaitState(exams[k], "READY");
        }
        jdbc.sql("update exam set state = 'IN_READING', claimed_by = :u, claimed_at = now(), last_activity_at = now() where id = :id")
                .param("u", reader.id()).param("id", exams[1]).update();

        JsonNode priors = as(reader).get("/api/exams/" + exams[1] + "/priors").json();
        assertThat(priors).hasSize(1);
        assertThat(priors.get(0).get("studyInstanceUid").asText()).isEqualTo(studies[0].studyInstanceUid());
        assertThat(priors.get(0).get("examId").asLong()).isEqualTo(exams[0]);
        assertThat(priors.get(0).get("modalities").asText()).isEqualTo("CT");
        String priorSeries = "/dicomweb/studies/" + studies[0].studyInstanceUid() + "/series/" + studies[0].seriesInstanceUid();
        assertThat(bytes(reader, priorSeries + "/metadata").status()).isEqualTo(200);
        assertThat(bytes(reader, priorSeries + "/instances/" + studies[0].sopInstanceUids().get(0) + "/frames/1").status())
                .isEqualTo(200);

        // Not the other patient's study, not for another radiologist, not once the claim is gone.
        String otherSeries = "/dicomweb/studies/" + studies[2].studyInstanceUid() + "/series/" + studies[2].seriesInstanceUid();
        assertThat(bytes(reader, otherSeries + "/metadata").status()).isEqualTo(404);
        assertThat(as(setup.other()).get("/api/exams/" + exams[1] + "/priors").status()).isEqualTo(404);
        assertThat(bytes(setup.other(), priorSeries + "/metadata").status()).isEqualTo(404);
        assertThat(as(reader).get("/api/exams/" + exams[0] + "/priors").json()).isEmpty(); // nothing before the first
        assertThat(as(reader).get("/api/exams/" + exams[2] + "/priors").status()).isEqualTo(404);
        jdbc.sql("update exam set state = 'READY', claimed_by = null, claimed_at = null where id = :id").param("id", exams[1]).update();
        assertThat(bytes(reader, priorSeries + "/metadata").status()).isEqualTo(404);
        assertThat(admin().get("/api/exams/" + exams[1] + "/priors").json()).hasSize(1);
    }
}
