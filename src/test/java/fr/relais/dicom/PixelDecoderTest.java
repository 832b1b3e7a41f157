package fr.relais.dicom;

import fr.relais.sim.SyntheticCt;
import fr.relais.support.Compression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Compressed frames, as DCMTK (and JJ2000 for JPEG 2000) writes them, decode to the very pixels of
 * the uncompressed object; broken or hostile ones are refused with a reason, before anything is
 * sized on them.
 */
class PixelDecoderTest {

    @TempDir
    static Path work;

    static List<Path> plain;

    @BeforeAll
    static void generate() {
        // A head with a bleed: bone, brain, blood and air, so every coding mode of JPEG-LS is taken.
        plain = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(3).rows(128).columns(96).bleed(true)
                .seed(41).build(), work.resolve("plain")).files();
    }

    @ParameterizedTest
    @EnumSource(Compression.Kind.class)
    void aLosslessFrameDecodesToTheUncompressedPixels(Compression.Kind kind) throws Exception {
        List<Path> compressed = Compression.compress(kind, plain, work.resolve(kind.name()));
        for (int k = 0; k < plain.size(); k++) {
            DicomWeb.Frames original = DicomWeb.frames(Files.readAllBytes(plain.get(k)));
            DicomWeb.Frames frames = DicomWeb.frames(Files.readAllBytes(compressed.get(k)));
            assertThat(frames.transferSyntax()).isEqualTo(kind.transferSyntax);
            assertThat(frames.encapsulated()).isTrue();
            assertThat(frames.decodedFrameLength()).isEqualTo(original.frameLength(1));
            assertThat(frames.decodedFrame(1)).isEqualTo(original.frame(1));
        }
    }

    @Test
    void jpegLosslessOfAnySelectionValueAndNearLosslessJpegLsDecode() throws Exception {
        DicomWeb.Frames original = DicomWeb.frames(Files.readAllBytes(plain.get(1)));
        Path lossless = work.resolve("jpeg-sv6.dcm");
        Compression.dcmtk("dcmcjpeg", "+el", plain.get(1), lossless);
        DicomWeb.Frames jpeg = DicomWeb.frames(Files.readAllBytes(lossless));
        assertThat(jpeg.transferSyntax()).isEqualTo("1.2.840.10008.1.2.4.57");
        assertThat(jpeg.decodedFrame(1)).isEqualTo(original.frame(1));

        // DCMTK codes near-lossless JPEG-LS of unsigned pixels only: the same stored values, declared unsigned.
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(plain.get(1).toString());
        list.replaceWithValueIfPresent(com.pixelmed.dicom.TagFromName.PixelRepresentation, "0");
        Path unsigned = work.resolve("unsigned.dcm");
        list.write(unsigned.toString(), Uids.EXPLICIT_VR_LITTLE_ENDIAN, true, true);
        Path near = work.resolve("jls-near.dcm");
        Compression.dcmtk("dcmcjpls", "+en", unsigned, near);
        DicomWeb.Frames jls = DicomWeb.frames(Files.readAllBytes(near));
        assertThat(jls.transferSyntax()).isEqualTo("1.2.840.10008.1.2.4.81");
        byte[] decoded = jls.decodedFrame(1);
        byte[] expected = original.frame(1);
        int worst = 0;
        for (int i = 0; i < expected.length; i += 2) {
            worst = Math.max(worst, Math.abs(LittleEndian.u16(decoded, i) - LittleEndian.u16(expected, i)));
        }
        assertThat(worst).as("largest deviation").isBetween(1, 2); // NEAR 2: lossy, but within the bound
    }

    @ParameterizedTest
    @EnumSource(Compression.Kind.class)
    void aFrameWhoseDataIsCutSaysItDoesNotDecode(Compression.Kind kind) throws Exception {
        Path file = Compression.compress(kind, List.of(plain.get(0)), work.resolve("cut-" + kind.name())).get(0);
        byte[] broken = Compression.corruptFragment(Files.readAllBytes(file));
        DicomWeb.Frames frames = DicomWeb.frames(broken);
        assertThatThrownBy(() -> frames.decodedFrame(1)).isInstanceOfSatisfying(DicomWeb.UndecodableFrameException.class,
                e -> assertThat(e.unsupportedSyntax()).isFalse());
    }

    @ParameterizedTest
    @EnumSource(Compression.Kind.class)
    void randomlyDamagedFramesDecodeToTheirSizeOrSayTheyDoNotNeverAnythingElse(Compression.Kind kind) throws Exception {
        Path file = Compression.compress(kind, List.of(plain.get(2)), work.resolve("fuzz-" + kind.name())).get(0);
        byte[] original = Files.readAllBytes(file);
        DicomWeb.Frames intact = DicomWeb.frames(original);
        byte[] fragment = intact.frame(1);
        int at = Compression.fragmentOffset(original);
        java.util.Random random = new java.util.Random(kind.ordinal() * 7919L);
        int refused = 0;
        for (int trial = 0; trial < 40; trial++) {
            byte[] damaged = original.clone();
            for (int k = 0; k < 1 + random.nextInt(8); k++) {
                damaged[at + random.nextInt(fragment.length)] = (byte) random.nextInt(256);
            }
            DicomWeb.Frames frames = DicomWeb.frames(damaged);
            try {
                assertThat(frames.decodedFrame(1)).hasSize((int) intact.decodedFrameLength());
            } catch (DicomWeb.UndecodableFrameException e) {
                assertThat(e.unsupportedSyntax()).isFalse();
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            }
        }
        System.out.println(kind + ": " + refused + " of 40 damaged frames refused, the others decoded to their size");
    }

    @Test
    void aCodestreamThatAnnouncesAnotherSizeThanItsHeaderIsRefusedBeforeDecoding() throws Exception {
        DicomWeb.Frames original = DicomWeb.frames(Files.readAllBytes(plain.get(0)));
        byte[] jls = DicomWeb.frames(Files.readAllBytes(Compression.compress(Compression.Kind.JPEG_LS,
                List.of(plain.get(0)), work.resolve("size")).get(0))).frame(1);
        // The same stream declared as a larger image: its SOF55 says 96 x 128, the header 512 x 512.
        DataSetStructure.PixelData bigger = new DataSetStructure.PixelData(512, 512, 16, 1, 1, 0, 0, true);
        assertThatThrownBy(() -> PixelDecoder.decode(PixelDecoder.JPEG_LS_LOSSLESS, jls, bigger))
                .hasMessageContaining("does not match the image's 512 x 512");
        assertThat(original.rows()).isEqualTo(128);
        // A header announcing 65535 x 65535 is refused before any decoder runs.
        DataSetStructure.PixelData huge = new DataSetStructure.PixelData(65535, 65535, 16, 1, 1, 0, 0, true);
        assertThatThrownBy(() -> PixelDecoder.decode(PixelDecoder.JPEG_2000_LOSSLESS, new byte[16], huge))
                .hasMessageContaining("larger than the server decodes");
    }

    @Test
    void aSyntaxNotDecodedHereSaysSoApartFromABrokenImage() throws Exception {
        byte[] file = TestObjects.image().rows(8).columns(8)
                .encapsulated("1.2.840.10008.1.2.4.100", new byte[0], new byte[64]).file(); // MPEG2
        DicomWeb.Frames frames = DicomWeb.frames(file);
        assertThat(DicomWeb.decodes("1.2.840.10008.1.2.4.100")).isFalse();
        assertThatThrownBy(() -> frames.decodedFrame(1)).isInstanceOfSatisfying(DicomWeb.UndecodableFrameException.class,
                e -> assertThat(e.unsupportedSyntax()).isTrue());
    }
}
