package fr.relais.reading;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.DicomWeb;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Compression;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Studies a hospital sends compressed (JPEG-LS, JPEG lossless and RLE by DCMTK, JPEG 2000 lossless
 * by JJ2000), received over DICOM by storescu and read through DICOMweb: their frames come as stored
 * or decoded to explicit VR little endian, byte for byte those of the same study sent uncompressed;
 * their pictures are those of the uncompressed study; an image whose compressed data is broken
 * gets a problem, never a server error. The studies are sent once for the class.
 */
class CompressedStudiesIT extends BaseIntegrationTest {

    private static final int ROWS = 64, COLUMNS = 96, SLICES = 3;
    private static final String EXPLICIT = "1.2.840.10008.1.2.1";

    @TempDir
    static Path work;

    /** A study as generated, and the files it was sent as (compressed, or the generated ones). */
    private record Sent(GeneratedStudy study, List<Path> files) {}

    private static Sent plain, broken;
    private static final Map<Compression.Kind, Sent> compressed = new EnumMap<>(Compression.Kind.class);
    private static ApiClient coordinator;

    @BeforeEach
    void sendStudies() throws Exception {
        if (plain != null) {
            return;
        }
        String ae = uniqueAeTitle("CMP");
        long hospital = createHospital(unique("CH Compressions DICOMweb"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount reader = createAccount(Role.RADIOLOGIST, null);
        coordinator = as(createAccount(Role.COORDINATOR, null));
        plain = send(physician, reader, ae, "IPP-CW-PLAIN", null, false);
        for (Compression.Kind kind : Compression.Kind.values()) {
            compressed.put(kind, send(physician, reader, ae, "IPP-CW-" + kind.ordinal(), kind, false));
        }
        broken = send(physician, reader, ae, "IPP-CW-BROKEN", Compression.Kind.JPEG_LS, true);
    }

    @ParameterizedTest
    @EnumSource(Compression.Kind.class)
    void framesComeAsStoredOrDecodedToExplicitLittleEndianByteForByteThoseOfTheUncompressedStudy(Compression.Kind kind)
            throws Exception {
        Sent sent = compressed.get(kind);
        byte[] uncompressedFrame = DicomWeb.frames(Files.readAllBytes(plain.study().files().get(1))).frame(1);
        byte[] storedFrame = DicomWeb.frames(Files.readAllBytes(sent.files().get(1))).frame(1);
        String path = instance(sent, 1) + "/frames/1";

        HttpResponse<byte[]> asStored = coordinator.getBytes(path,
                "multipart/related; type=application/octet-stream; transfer-syntax=*");
        assertThat(asStored.statusCode()).isEqualTo(200);
        assertThat(contentType(asStored)).contains("transfer-syntax=" + kind.transferSyntax);
        assertThat(onlyPart(asStored)).isEqualTo(storedFrame);

        HttpResponse<byte[]> decoded = coordinator.getBytes(path,
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=" + EXPLICIT);
        assertThat(decoded.statusCode()).isEqualTo(200);
        assertThat(contentType(decoded)).contains("transfer-syntax=" + EXPLICIT);
        assertThat(onlyPart(decoded)).isEqualTo(uncompressedFrame);
        assertThat(onlyPart(coordinator.getBytes(path, "multipart/related; type=application/octet-stream")))
                .isEqualTo(uncompressedFrame);
        // Decoded frames answer the same bytes as the uncompressed study's own frames.
        assertThat(onlyPart(coordinator.getBytes(instance(plain, 1) + "/frames/1",
                "multipart/related; type=application/octet-stream"))).isEqualTo(uncompressedFrame);
    }

    @Test
    void aCompressedFrameIsNeverReEncodedInAnotherCompressedSyntax() {
        HttpResponse<byte[]> jp2 = coordinator.getBytes(instance(compressed.get(Compression.Kind.JPEG_LS), 0) + "/frames/1",
                "multipart/related; type=\"image/jp2\"");
        assertThat(jp2.statusCode()).isEqualTo(406);
        assertThat(contentType(jp2)).startsWith("application/problem+json");
        assertThat(new String(jp2.body(), StandardCharsets.UTF_8)).contains("little endian explicite");
    }

    @ParameterizedTest
    @EnumSource(Compression.Kind.class)
    void renderedAndThumbnailOfACompressedImageAreThoseOfTheUncompressedOne(Compression.Kind kind) throws Exception {
        Sent sent = compressed.get(kind);
        for (String what : List.of("/rendered", "/frames/1/rendered?window=40,80", "/thumbnail?viewport=48,48")) {
            HttpResponse<byte[]> picture = coordinator.getBytes(instance(sent, 1) + what, "image/png");
            assertThat(picture.statusCode()).as(kind + what).isEqualTo(200);
            assertThat(contentType(picture)).startsWith("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture.body()));
            BufferedImage reference = ImageIO.read(new ByteArrayInputStream(
                    coordinator.getBytes(instance(plain, 1) + what, "image/png").body()));
            assertThat(grey(image)).as(kind + what).isEqualTo(grey(reference));
            assertThat(Arrays.stream(grey(image)).distinct().count()).as("not a blank picture").isGreaterThan(10);
        }
        HttpResponse<byte[]> thumbnail = coordinator.getBytes(instance(sent, 0) + "/thumbnail", "image/jpeg");
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isLessThanOrEqualTo(128);
    }

    @Test
    void anImageWhoseCompressedDataIsBrokenGetsAProblemSayingSoAndItsStoredBytesStayServed() throws Exception {
        String slice = instance(broken, SLICES / 2);
        for (String what : List.of("/rendered", "/thumbnail")) {
            HttpResponse<byte[]> picture = coordinator.getBytes(slice + what, "image/png");
            assertThat(picture.statusCode()).as(what).isEqualTo(422);
            assertThat(contentType(picture)).startsWith("application/problem+json");
            assertThat(new String(picture.body(), StandardCharsets.UTF_8)).contains("ne peut pas être décodée");
        }
        HttpResponse<byte[]> decoded = coordinator.getBytes(slice + "/frames/1",
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=" + EXPLICIT);
        assertThat(decoded.statusCode()).isEqualTo(422);
        assertThat(new String(decoded.body(), StandardCharsets.UTF_8)).contains("JPEG-LS");
        // A client with its own decoder still gets the bytes the hospital sent.
        HttpResponse<byte[]> asStored = coordinator.getBytes(slice + "/frames/1",
                "multipart/related; type=application/octet-stream; transfer-syntax=*");
        assertThat(asStored.statusCode()).isEqualTo(200);
        assertThat(onlyPart(asStored)).isEqualTo(DicomWeb.frames(Files.readAllBytes(broken.files().get(SLICES / 2))).frame(1));
        // the other slices of that study decode
        assertThat(coordinator.getBytes(instance(broken, 0) + "/rendered", "image/png").statusCode()).isEqualTo(200);
    }

    // ---- helpers

    private Sent send(TestAccount physician, TestAccount reader, String ae, String patientId, Compression.Kind kind,
                      boolean breakMiddle) throws Exception {
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt(patientId, "PATIENT_SIGNED"));
        long examId = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(reader), examId);
        Path folder = work.resolve(patientId);
        GeneratedStudy study = SyntheticCt.generate(RequestFixtures.matching(filed, SyntheticCt.StudySpec.builder()
                .slices(SLICES).rows(ROWS).columns(COLUMNS).bleed(true).seed(503)).build(), folder);
        Compression.Sending sending = Compression.prepare(kind, study.files(), folder, breakMiddle);
        Dcmtk.Result result = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", sending.storescuOptions(), sending.files());
        assertThat(result.exitCode()).as(result.output()).isZero();
        Await.until("exam " + examId + " ready", () -> jdbc.sql("select state from exam where id = :e")
                .param("e", examId).query(String.class).single(), "READY"::equals);
        if (kind != null) {
            assertThat(jdbc.sql("""
                    select distinct i.transfer_syntax from instance i join series se on se.id = i.series_id
                    join exam e on e.study_id = se.study_id where e.id = :e""").param("e", examId)
                    .query(String.class).list()).containsExactly(kind.transferSyntax);
        }
        return new Sent(study, sending.files());
    }

    private static String instance(Sent sent, int slice) {
        return "/dicomweb/studies/" + sent.study().studyInstanceUid() + "/series/" + sent.study().seriesInstanceUid()
                + "/instances/" + sent.study().sopInstanceUids().get(slice);
    }

    private static String contentType(HttpResponse<byte[]> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The body of the one part of a multipart/related answer. */
    private static byte[] onlyPart(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        String type = contentType(response);
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length()).replace("\"", "").trim();
        byte[] body = response.body();
        byte[] open = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] close = ("\r\n--" + boundary + "--").getBytes(StandardCharsets.US_ASCII);
        int start = indexOf(body, open, 0);
        int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start) + 4;
        int end = indexOf(body, close, headersEnd);
        assertThat(indexOf(body, open, headersEnd)).as("one part only").isNegative();
        return Arrays.copyOfRange(body, headersEnd, end);
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

    private static int[] grey(BufferedImage image) {
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }
}
