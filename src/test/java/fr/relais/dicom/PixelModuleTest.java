package fr.relais.dicom;

import fr.relais.sim.SyntheticCt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The image pixel module checked at intake against what the Pixel Data holds (PS3.3 C.7.6.3, PS3.5 8). */
class PixelModuleTest {

    private static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70";
    private static final String ENHANCED_SR = "1.2.840.10008.5.1.4.1.1.88.22";

    @TempDir
    Path work;

    static Stream<Arguments> goodModules() {
        return Stream.of(
                Arguments.of("one 2 x 2 frame of 16-bit grey", TestObjects.image()),
                Arguments.of("three frames of 16-bit grey", TestObjects.image().frames("3").pixelBytes(24)),
                Arguments.of("odd 8-bit frame with its pad byte", TestObjects.image().rows(3).columns(3)
                        .bits(8, 8, 7).pixelBytes(10)),
                Arguments.of("12 bits stored in 16", TestObjects.image().bits(16, 12, 11)),
                Arguments.of("RGB by pixel", TestObjects.image().samples(3).photometric("RGB").planar(0)
                        .bits(8, 8, 7).pixelBytes(12)),
                Arguments.of("1-bit, packed and rounded up", TestObjects.image().rows(3).columns(3).frames("2")
                        .bits(1, 1, 0).pixelBytes(4)),
                Arguments.of("compressed, two frames in three fragments by offset table", TestObjects.image()
                        .frames("2").encapsulated(JPEG_LOSSLESS, le(0, 24), new byte[4], new byte[4], new byte[6])),
                Arguments.of("compressed, one frame in two fragments without a table", TestObjects.image()
                        .encapsulated(JPEG_LOSSLESS, new byte[0], new byte[4], new byte[2])),
                Arguments.of("an SR has no pixel data", TestObjects.image().sopClass(ENHANCED_SR).noPixelData()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodModules")
    void aPixelModuleTheBytesBackIsAccepted(String what, TestObjects.Image image) throws Exception {
        assertThat(problems(image)).as(what).isEmpty();
    }

    static Stream<Arguments> badModules() {
        return Stream.of(
                Arguments.of(TestObjects.image().rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7),
                        List.of("SamplesPerPixel 0 is not 1 to 4", "NumberOfFrames 300000000 does not fit the 8 bytes of Pixel Data")),
                Arguments.of(TestObjects.image().rows(1).columns(1).frames("300000000"),
                        List.of("Pixel Data has 8 bytes, not the 600000000 of Rows 1 x Columns 1")),
                Arguments.of(TestObjects.image().rows(65535).columns(65535).samples(4).photometric("ARGB").planar(0)
                        .bits(64, 64, 63).frames("2147483647"), List.of("Pixel Data has 8 bytes, not the exabytes")),
                Arguments.of(TestObjects.image().pixelBytes(6), List.of("Pixel Data has 6 bytes, not the 8")),
                Arguments.of(TestObjects.image().samples(null), List.of("SamplesPerPixel (0028,0002) is missing")),
                Arguments.of(TestObjects.image().photometric(null), List.of("PhotometricInterpretation (0028,0004) is missing")),
                Arguments.of(TestObjects.image().photometric("RGB"),
                        List.of("PhotometricInterpretation RGB needs 3 samples per pixel, not SamplesPerPixel 1")),
                Arguments.of(TestObjects.image().photometric("GREEN"), List.of("PhotometricInterpretation GREEN is not")),
                Arguments.of(TestObjects.image().rows(0), List.of("Rows 0 is not 1 to 65535")),
                Arguments.of(TestObjects.image().columns(null), List.of("Columns (0028,0011) is missing")),
                Arguments.of(TestObjects.image().bits(12, 12, 11), List.of("BitsAllocated 12 is not 1 or a multiple of 8")),
                Arguments.of(TestObjects.image().bits(16, 17, 16), List.of("BitsStored 17 is not 1 to BitsAllocated 16")),
                Arguments.of(TestObjects.image().bits(16, 12, 15), List.of("HighBit 15 is not BitsStored 12 - 1")),
                Arguments.of(TestObjects.image().samples(3).photometric("RGB").bits(8, 8, 7).pixelBytes(12),
                        List.of("PlanarConfiguration (0028,0006) is missing for 3 samples per pixel")),
                Arguments.of(TestObjects.image().frames("0"), List.of("NumberOfFrames '0' is not a whole number")),
                Arguments.of(TestObjects.image().frames("many"), List.of("NumberOfFrames 'many' is not a whole number")),
                Arguments.of(TestObjects.image().noPixelData(), List.of("CT Image object has no Pixel Data (7FE0,0010)")),
                Arguments.of(TestObjects.image().frames("5").encapsulated(JPEG_LOSSLESS, new byte[0], new byte[4], new byte[4]),
                        List.of("NumberOfFrames 5 exceeds the 2 fragments of the compressed Pixel Data")),
                Arguments.of(TestObjects.image().frames("300000000").encapsulated(JPEG_LOSSLESS, new byte[0], new byte[4]),
                        List.of("NumberOfFrames 300000000 exceeds the 1 fragments")),
                Arguments.of(TestObjects.image().encapsulated(JPEG_LOSSLESS, new byte[0]),
                        List.of("compressed Pixel Data has no fragment")),
                Arguments.of(TestObjects.image().frames("2").encapsulated(JPEG_LOSSLESS, le(0, 12, 24), new byte[4], new byte[4]),
                        List.of("basic offset table has 12 bytes, not 4 x NumberOfFrames 2")),
                Arguments.of(TestObjects.image().encapsulated(Uids.EXPLICIT_VR_LITTLE_ENDIAN, new byte[0], new byte[8]),
                        List.of("Pixel Data is encapsulated but transfer syntax 1.2.840.10008.1.2.1 is uncompressed")),
                Arguments.of(TestObjects.image().encapsulated(JPEG_LOSSLESS, null).pixelBytes(8),
                        List.of("transfer syntax " + JPEG_LOSSLESS + " is compressed but Pixel Data is not encapsulated")));
    }

    @ParameterizedTest
    @MethodSource("badModules")
    void aPixelModuleTheBytesDoNotBackIsRefusedWithItsReason(TestObjects.Image image, List<String> reasons) throws Exception {
        List<String> problems = problems(image);
        assertThat(problems).hasSize(reasons.size());
        for (int k = 0; k < reasons.size(); k++) {
            assertThat(problems.get(k)).startsWith(reasons.get(k));
        }
    }

    @Test
    void theFirstReasonFitsTheErrorCommentOfACStoreResponse() throws Exception {
        TestObjects.Image crafted = TestObjects.image().rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7);
        String reason = PixelModule.of(crafted.transferSyntax(), crafted.dataSet(), 0, crafted.dataSet().length)
                .problem(crafted.sopClassUid(), crafted.transferSyntax()).orElseThrow();
        // Error Comment (0000,0902) is LO: 64 characters reach the technologist.
        assertThat(reason.split("; ")[0]).hasSizeLessThanOrEqualTo(64);
        assertThat(reason).isEqualTo(
                "SamplesPerPixel 0 is not 1 to 4; NumberOfFrames 300000000 does not fit the 8 bytes of Pixel Data");
    }

    @Test
    void aRealCtSliceIsAccepted() throws Exception {
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(7).build(), work);
        byte[] data = TestObjects.dataSet(study.files().get(0));

        PixelModule module = PixelModule.of(Uids.EXPLICIT_VR_LITTLE_ENDIAN, data, 0, data.length);

        assertThat(module.problems("1.2.840.10008.5.1.4.1.1.2", Uids.EXPLICIT_VR_LITTLE_ENDIAN)).isEmpty();
        assertThat(module.pixelDataLength()).isEqualTo(2L * module.rows() * module.columns()).isPositive();
    }

    private static List<String> problems(TestObjects.Image image) throws Exception {
        byte[] data = image.dataSet();
        return PixelModule.of(image.transferSyntax(), data, 0, data.length)
                .problems(image.sopClassUid(), image.transferSyntax());
    }

    private static byte[] le(int... values) {
        byte[] out = new byte[4 * values.length];
        for (int k = 0; k < values.length; k++) {
            LittleEndian.putU32(out, 4 * k, values[k]);
        }
        return out;
    }
}
