package fr.relais.sim;

import fr.relais.dicom.CtImageWriter;
import fr.relais.dicom.DicomTestReader;
import fr.relais.dicom.DicomTestReader.Parsed;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.sim.SyntheticCt.Instance;
import fr.relais.sim.SyntheticCt.StudySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticCtTest {

    private static final LocalDateTime STUDY_TIME = LocalDateTime.of(2026, 11, 27, 3, 14, 0);
    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    private static final int SLICES = 40;

    @TempDir
    static Path tmp;

    /** One study with a bleed and its twin without, same seed: only the haematoma differs. */
    private static GeneratedStudy bleed;
    private static GeneratedStudy noBleed;

    @BeforeAll
    static void generate() {
        bleed = SyntheticCt.generate(spec(7).bleed(true).build(), tmp.resolve("bleed"));
        noBleed = SyntheticCt.generate(spec(7).bleed(false).build(), tmp.resolve("no-bleed"));
    }

    private static SyntheticCt.Builder spec(long seed) {
        return StudySpec.builder()
                .slices(SLICES)
                .seed(seed)
                .studyDateTime(STUDY_TIME)
                .patientId("IPP123456")
                .patientName("LEGRAND^ANNE")
                .birthDate(LocalDate.of(1948, 5, 2))
                .sex("F")
                .accession("ACC0001")
                .institution("CH DE TEST")
                .referringPhysician("URGENTISTE^PAUL");
    }

    @Test
    void writesOneFilePerSliceWithTheUidsItReturns() {
        assertThat(bleed.instances()).hasSize(SLICES);
        assertThat(bleed.files()).allSatisfy(f -> assertThat(f).exists().hasParent(tmp.resolve("bleed")));
        for (Instance inst : bleed.instances()) {
            Parsed p = DicomTestReader.read(inst.file());
            assertThat(p.get("SOPInstanceUID")).isEqualTo(inst.sopInstanceUid());
            assertThat(p.get("MediaStorageSOPInstanceUID")).isEqualTo(inst.sopInstanceUid());
            assertThat(p.get("StudyInstanceUID")).isEqualTo(bleed.studyInstanceUid());
            assertThat(p.get("SeriesInstanceUID")).isEqualTo(bleed.seriesInstanceUid());
            assertThat(p.get("FrameOfReferenceUID")).isEqualTo(bleed.frameOfReferenceUid());
            assertThat(p.get("InstanceNumber")).isEqualTo(Integer.toString(inst.instanceNumber()));
        }
        assertThat(new HashSet<>(bleed.sopInstanceUids())).hasSize(SLICES);
    }

    @Test
    void headersCarryPatientStudySeriesAndEquipment() {
        Parsed p = DicomTestReader.read(bleed.files().get(0));
        assertThat(p.get("TransferSyntaxUID")).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(p.get("MediaStorageSOPClassUID")).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(p.get("SOPClassUID")).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(p.get("ImplementationClassUID")).isEqualTo(CtImageWriter.IMPLEMENTATION_CLASS_UID);
        assertThat(p.get("ImplementationVersionName")).isEqualTo("RELAIS_0.1");
        assertThat(p.get("SpecificCharacterSet")).isEqualTo("ISO_IR 100");

        assertThat(p.get("PatientName")).isEqualTo("LEGRAND^ANNE");
        assertThat(p.get("PatientID")).isEqualTo("IPP123456");
        assertThat(p.get("PatientBirthDate")).isEqualTo("19480502");
        assertThat(p.get("PatientSex")).isEqualTo("F");
        assertThat(p.get("PatientAge")).isEqualTo("078Y");

        assertThat(p.get("StudyDate")).isEqualTo("20261127");
        assertThat(p.get("StudyTime")).startsWith("031400");
        assertThat(p.get("StudyID")).isNotEmpty();
        assertThat(p.get("AccessionNumber")).isEqualTo("ACC0001");
        assertThat(p.get("StudyDescription")).isNotEmpty();
        assertThat(p.get("ReferringPhysicianName")).isEqualTo("URGENTISTE^PAUL");

        assertThat(p.get("Modality")).isEqualTo("CT");
        assertThat(p.get("BodyPartExamined")).isEqualTo("HEAD");
        assertThat(p.get("SeriesNumber")).isNotEmpty();
        assertThat(p.get("SeriesDescription")).isNotEmpty();
        assertThat(p.get("Manufacturer")).isNotEmpty();
        assertThat(p.get("ManufacturerModelName")).isNotEmpty();
        assertThat(p.get("StationName")).isNotEmpty();
        assertThat(p.get("InstitutionName")).isEqualTo("CH DE TEST");

        assertThat(p.get("AcquisitionDate")).isEqualTo("20261127");
        assertThat(p.get("AcquisitionTime")).isNotEmpty();
        assertThat(p.get("ContentDate")).isEqualTo("20261127");
        assertThat(p.get("ContentTime")).isNotEmpty();
        assertThat(p.getAll("ImageType")).containsExactly("ORIGINAL", "PRIMARY", "AXIAL");
        assertThat(p.get("KVP")).isEqualTo("120");
        assertThat(p.get("ImageComments")).contains("SYNTHETIC");
    }

    @Test
    void imagePixelAndModalityLutDescribeSigned16BitHounsfieldUnits() {
        Parsed p = DicomTestReader.read(bleed.files().get(0));
        assertThat(p.get("Rows")).isEqualTo("512");
        assertThat(p.get("Columns")).isEqualTo("512");
        assertThat(p.get("SamplesPerPixel")).isEqualTo("1");
        assertThat(p.get("PhotometricInterpretation")).isEqualTo("MONOCHROME2");
        assertThat(p.get("BitsAllocated")).isEqualTo("16");
        assertThat(p.get("BitsStored")).isEqualTo("16");
        assertThat(p.get("HighBit")).isEqualTo("15");
        assertThat(p.get("PixelRepresentation")).isEqualTo("1");
        assertThat(p.get("RescaleIntercept")).isEqualTo("-1024");
        assertThat(p.get("RescaleSlope")).isEqualTo("1");
        assertThat(p.get("RescaleType")).isEqualTo("HU");
        assertThat(p.get("WindowCenter")).isEqualTo("40");
        assertThat(p.get("WindowWidth")).isEqualTo("80");
        assertThat(p.pixels()).hasSize(512 * 512);
    }

    @Test
    void slicesStepInZByTheSliceThicknessFromBottomToTop() {
        double thickness = bleed.spec().sliceThicknessMm();
        Double previousZ = null;
        for (Instance inst : bleed.instances()) {
            Parsed p = DicomTestReader.read(inst.file());
            assertThat(p.getDoubles("ImageOrientationPatient")).containsExactly(1, 0, 0, 0, 1, 0);
            assertThat(p.getDoubles("PixelSpacing")).containsExactly(230.0 / 512, 230.0 / 512);
            assertThat(Double.parseDouble(p.get("SliceThickness"))).isEqualTo(thickness);
            double[] position = p.getDoubles("ImagePositionPatient");
            assertThat(position).hasSize(3);
            // The image is centred on the head's axis: the centre of the matrix is x = y = 0.
            assertThat(position[0] + 511 / 2.0 * 230.0 / 512).isCloseTo(0, within(1e-6));
            assertThat(position[1] + 511 / 2.0 * 230.0 / 512).isCloseTo(0, within(1e-6));
            assertThat(position[2]).isEqualTo(inst.z());
            assertThat(Double.parseDouble(p.get("SliceLocation"))).isEqualTo(inst.z());
            if (previousZ != null) {
                assertThat(position[2] - previousZ).isCloseTo(thickness, within(1e-6));
            }
            previousZ = position[2];
        }
    }

    @Test
    void fileMetaGroupLengthPointsExactlyAtTheDataset() throws IOException {
        byte[] bytes = Files.readAllBytes(bleed.files().get(0));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 128, 4, StandardCharsets.US_ASCII)).isEqualTo("DICM");
        assertThat(b.getShort(132)).isEqualTo((short) 0x0002);
        assertThat(b.getShort(134)).isEqualTo((short) 0x0000);
        long groupLength = b.getInt(140);
        int datasetStart = (int) (144 + groupLength);
        assertThat(b.getShort(datasetStart)).as("first dataset group").isEqualTo((short) 0x0008);
        // The last meta element must end exactly there: scan the meta elements.
        int pos = 144;
        while (pos < datasetStart) {
            assertThat(b.getShort(pos)).isEqualTo((short) 0x0002);
            String vr = new String(bytes, pos + 4, 2, StandardCharsets.US_ASCII);
            pos += vr.equals("OB") ? 12 + b.getInt(pos + 8) : 8 + Short.toUnsignedInt(b.getShort(pos + 6));
        }
        assertThat(pos).isEqualTo(datasetStart);
    }

    @Test
    void uidsAreValidDicomUidsOfAtMost64Characters() {
        List<String> uids = new ArrayList<>(bleed.sopInstanceUids());
        uids.add(bleed.studyInstanceUid());
        uids.add(bleed.seriesInstanceUid());
        uids.add(bleed.frameOfReferenceUid());
        uids.add(CtImageWriter.IMPLEMENTATION_CLASS_UID);
        assertThat(uids).allSatisfy(uid -> {
            assertThat(uid).hasSizeLessThanOrEqualTo(64).startsWith("2.25.");
            assertThat(UID.matcher(uid).matches()).as(uid).isTrue();
        });
        assertThat(new HashSet<>(uids)).hasSize(uids.size());
    }

    @Test
    void airIsOutsideTheHeadTheSkullIsBrightAndTheBrainNear35() {
        Parsed mid = sliceNearest(noBleed, -5);
        double z = zOf(mid);
        double outer = HeadPhantom.HEAD_A * HeadPhantom.scaleAt(z);

        assertThat(huMean(mid, -110, -110)).as("air in a corner").isBetween(-1010.0, -990.0);
        assertThat(huMean(mid, outer + 5, 0)).as("air just outside the skin").isBetween(-1010.0, -990.0);
        double diploe = huMean(mid, outer - (HeadPhantom.FAT_END + HeadPhantom.SKULL_END) / 2, 0);
        assertThat(diploe).as("skull diploe").isBetween(650.0, 800.0);
        double brightest = Double.NEGATIVE_INFINITY;
        double darkest = Double.POSITIVE_INFINITY;
        for (double depth = HeadPhantom.FAT_END + 0.3; depth < HeadPhantom.SKULL_END - 0.3; depth += 0.2) {
            double hu = huAt(mid, outer - depth, 0, 0);
            brightest = Math.max(brightest, hu);
            darkest = Math.min(darkest, hu);
        }
        assertThat(brightest).as("skull tables").isBetween(900.0, 1020.0);
        assertThat(darkest).as("whole skull thickness").isGreaterThan(650.0);

        double grey = huMean(mid, outer - 14.5, 0);
        double white = huMean(mid, 40, -40);
        assertThat(grey).as("cortical grey matter").isBetween(30.0, 45.0);
        assertThat(white).as("deep white matter").isBetween(25.0, 35.0);
        assertThat(grey - white).as("grey-white contrast").isGreaterThan(4);
        assertThat((grey + white) / 2).as("brain").isCloseTo(35, within(5.0));
    }

    @Test
    void ventriclesHoldCsfInTheMiddleSlices() {
        Parsed p = sliceNearest(noBleed, HeadPhantom.LEFT_VENTRICLE.cz());
        assertThat(huMean(p, HeadPhantom.LEFT_VENTRICLE.cx(), HeadPhantom.LEFT_VENTRICLE.cy()))
                .isBetween(0.0, 10.0);
        assertThat(huMean(p, HeadPhantom.RIGHT_VENTRICLE.cx(), HeadPhantom.RIGHT_VENTRICLE.cy()))
                .isBetween(0.0, 10.0);
    }

    @Test
    void haematomaIsHyperdenseOnlyWhenBleedIsAsked() {
        var core = HeadPhantom.HAEMATOMA_CORE;
        double withBleed = huMean(sliceNearest(bleed, core.cz()), core.cx(), core.cy());
        double withoutBleed = huMean(sliceNearest(noBleed, core.cz()), core.cx(), core.cy());
        assertThat(withBleed).isBetween(60.0, 80.0);
        assertThat(withoutBleed).isBetween(25.0, 40.0);

        // Same seed, same noise: the twins differ only in the slices the haematoma and its rim cross.
        double reach = core.az() + HeadPhantom.OEDEMA_RIM;
        int hyperdenseSlices = 0;
        for (int i = 0; i < SLICES; i++) {
            Parsed with = DicomTestReader.read(bleed.files().get(i));
            Parsed without = DicomTestReader.read(noBleed.files().get(i));
            double z = bleed.instances().get(i).z();
            if (Math.abs(z - core.cz()) > reach) {
                assertThat(with.pixels()).as("slice at z=%s", z).isEqualTo(without.pixels());
            } else if (huMean(with, core.cx(), core.cy()) > 60) {
                assertThat(huMean(without, core.cx(), core.cy())).isLessThan(45);
                hyperdenseSlices++;
            }
        }
        // It spans several slices: 24 mm tall, so at least 4 of these 40 slices 4.5 mm apart.
        assertThat(hyperdenseSlices).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theBleedTwinHasItsOwnUids() {
        assertThat(bleed.studyInstanceUid()).isNotEqualTo(noBleed.studyInstanceUid());
        assertThat(bleed.sopInstanceUids()).doesNotContainAnyElementsOf(noBleed.sopInstanceUids());
    }

    @Test
    void theHeadNarrowsTowardsTheTopAndTheBottom() {
        List<Instance> all = noBleed.instances();
        int bottom = headArea(DicomTestReader.read(all.get(0).file()));
        int middle = headArea(DicomTestReader.read(all.get(SLICES / 2).file()));
        int top = headArea(DicomTestReader.read(all.get(SLICES - 1).file()));
        assertThat(bottom).isPositive().isLessThan(middle);
        assertThat(top).isPositive().isLessThan(middle);
    }

    @Test
    void theSameSeedWritesTheSameFiles(@TempDir Path again) throws IOException {
        GeneratedStudy twin = SyntheticCt.generate(spec(7).bleed(true).build(), again);
        assertThat(twin.studyInstanceUid()).isEqualTo(bleed.studyInstanceUid());
        assertThat(twin.sopInstanceUids()).isEqualTo(bleed.sopInstanceUids());
        for (int i = 0; i < SLICES; i += 13) {
            assertThat(Files.readAllBytes(twin.files().get(i)))
                    .isEqualTo(Files.readAllBytes(bleed.files().get(i)));
        }
    }

    @Test
    void differentSeedsGiveDistinctUids(@TempDir Path other) {
        GeneratedStudy s = SyntheticCt.generate(spec(8).slices(2).build(), other);
        assertThat(s.studyInstanceUid()).isNotEqualTo(bleed.studyInstanceUid());
        assertThat(s.seriesInstanceUid()).isNotEqualTo(bleed.seriesInstanceUid());
        assertThat(s.sopInstanceUids()).doesNotContainAnyElementsOf(bleed.sopInstanceUids());
    }

    @Test
    void unseededSpecsGetDistinctSeedsAndPatients() {
        Set<Long> seeds = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            StudySpec s = StudySpec.builder().build();
            seeds.add(s.seed());
            ids.add(s.patientId());
            assertThat(s.patientName()).contains("^");
            assertThat(s.accession().length()).isLessThanOrEqualTo(16);
        }
        assertThat(seeds).hasSize(20);
        assertThat(ids.size()).isGreaterThan(15);
    }

    @Test
    void latin1PatientNamesSurviveTheRoundTrip(@TempDir Path dir) {
        GeneratedStudy s = SyntheticCt.generate(spec(9).slices(1).patientName("LEFÈVRE^HÉLÈNE").build(), dir);
        assertThat(DicomTestReader.read(s.files().get(0)).get("PatientName")).isEqualTo("LEFÈVRE^HÉLÈNE");
    }

    @Test
    void specRejectsValuesDicomCannotCarry() {
        assertThatThrownBy(() -> spec(1).patientName("A\\B").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patient name");
        assertThatThrownBy(() -> spec(1).accession("12345678901234567").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accession");
        assertThatThrownBy(() -> spec(1).slices(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slices");
        assertThatThrownBy(() -> spec(1).rows(32).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
        assertThatThrownBy(() -> spec(1).sex("X").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sex");
    }

    @Test
    void smallerMatricesKeepTheFieldOfView(@TempDir Path dir) {
        GeneratedStudy s = SyntheticCt.generate(spec(3).slices(1).rows(256).columns(256).build(), dir);
        Parsed p = DicomTestReader.read(s.files().get(0));
        assertThat(p.get("Rows")).isEqualTo("256");
        assertThat(p.getDoubles("PixelSpacing")).containsExactly(230.0 / 256, 230.0 / 256);
        assertThat(p.pixels()).hasSize(256 * 256);
        assertThat(huMean(p, 30, 30)).isBetween(25.0, 45.0);
    }

    // --- reading pixels back in patient coordinates

    private static Parsed sliceNearest(GeneratedStudy study, double z) {
        Instance best = study.instances().get(0);
        for (Instance i : study.instances()) {
            if (Math.abs(i.z() - z) < Math.abs(best.z() - z)) {
                best = i;
            }
        }
        return DicomTestReader.read(best.file());
    }

    private static double zOf(Parsed p) {
        return p.getDoubles("ImagePositionPatient")[2];
    }

    /** Mean HU over a 5 x 5 pixel box centred on (x, y) mm. */
    private static double huMean(Parsed p, double xMm, double yMm) {
        return huAt(p, xMm, yMm, 2);
    }

    /** Mean HU over a (2 half + 1)² pixel box centred on (x, y) mm, through the file's own modality LUT. */
    private static double huAt(Parsed p, double xMm, double yMm, int half) {
        int rows = Integer.parseInt(p.get("Rows"));
        int columns = Integer.parseInt(p.get("Columns"));
        double[] spacing = p.getDoubles("PixelSpacing");
        double[] origin = p.getDoubles("ImagePositionPatient");
        double slope = Double.parseDouble(p.get("RescaleSlope"));
        double intercept = Double.parseDouble(p.get("RescaleIntercept"));
        int c = (int) Math.round((xMm - origin[0]) / spacing[1]);
        int r = (int) Math.round((yMm - origin[1]) / spacing[0]);
        short[] px = p.pixels();
        double sum = 0;
        int n = 0;
        for (int dr = -half; dr <= half; dr++) {
            for (int dc = -half; dc <= half; dc++) {
                int rr = Math.max(0, Math.min(rows - 1, r + dr));
                int cc = Math.max(0, Math.min(columns - 1, c + dc));
                sum += px[rr * columns + cc] * slope + intercept;
                n++;
            }
        }
        return sum / n;
    }

    private static int headArea(Parsed p) {
        double intercept = Double.parseDouble(p.get("RescaleIntercept"));
        int n = 0;
        for (short v : p.pixels()) {
            if (v + intercept > -500) {
                n++;
            }
        }
        return n;
    }
}
