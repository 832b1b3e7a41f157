package fr.relais.sim;

import fr.relais.dicom.CtImageWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Synthetic non-contrast head CT studies: one axial series of a {@link HeadPhantom}, written as
 * CT Image Storage files. Everything random (UIDs, default patient, noise) comes from the spec's
 * seed, so the same spec writes the same files.
 */
public final class SyntheticCt {

    public static final int MAX_SLICES = 2000;
    public static final int MIN_MATRIX = 64;
    public static final int MAX_MATRIX = 1024;
    /** Field of view across the larger image dimension; 230 mm over 512 pixels gives 0.45 mm pixels. */
    public static final double FIELD_OF_VIEW_MM = 230;
    /** Stored value = HU - intercept: CT scanners commonly store HU + 1024 with an intercept of -1024. */
    public static final int RESCALE_INTERCEPT = -1024;

    private static final double HEAD_COVERAGE_MM = 180;
    private static final long NOISE_SALT = 0x6E6F697365L;
    private static final long PATIENT_SALT = 0x70617469656EL;

    private SyntheticCt() {
    }

    /** What to generate. Build one with {@link #builder()}; unset identity fields are derived from the seed. */
    public record StudySpec(
            int slices,
            boolean bleed,
            String patientId,
            String patientName,
            LocalDate birthDate,
            String sex,
            String accession,
            String institution,
            String referringPhysician,
            long seed,
            int rows,
            int columns,
            LocalDateTime studyDateTime) {

        public StudySpec {
            if (slices < 1 || slices > MAX_SLICES) {
                throw new IllegalArgumentException("slices must be between 1 and " + MAX_SLICES + ", got " + slices);
            }
            checkMatrix("rows", rows);
            checkMatrix("columns", columns);
            checkText("patient ID", patientId, 64, true);
            checkText("patient name", patientName, 64, true);
            checkText("accession number", accession, 16, true);
            checkText("institution", institution, 64, false);
            checkText("referring physician", referringPhysician, 64, false);
            Objects.requireNonNull(birthDate, "birthDate");
            Objects.requireNonNull(studyDateTime, "studyDateTime");
            if (!List.of("M", "F", "O").contains(sex)) {
                throw new IllegalArgumentException("sex must be M, F or O, got '" + sex + "'");
            }
            if (birthDate.isAfter(studyDateTime.toLocalDate())) {
                throw new IllegalArgumentException("birth date " + birthDate + " is after the study date "
                        + studyDateTime.toLocalDate());
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Distance between slice centres, equal to the slice thickness (contiguous slices). */
        public double sliceThicknessMm() {
            double t = Math.max(0.5, Math.min(5.0, HEAD_COVERAGE_MM / slices));
            return Math.round(t * 1000) / 1000.0;
        }

        public double pixelSpacingMm() {
            return FIELD_OF_VIEW_MM / Math.max(rows, columns);
        }

        private static void checkMatrix(String what, int n) {
            if (n < MIN_MATRIX || n > MAX_MATRIX) {
                throw new IllegalArgumentException(what + " must be between " + MIN_MATRIX + " and " + MAX_MATRIX
                        + ", got " + n);
            }
        }

        /** DICOM string values: Latin-1 (we declare ISO_IR 100), no backslash (the value separator). */
        private static void checkText(String what, String value, int max, boolean required) {
            if (value == null || value.isBlank()) {
                if (required) {
                    throw new IllegalArgumentException(what + " must not be empty");
                }
                return;
            }
            if (value.length() > max) {
                throw new IllegalArgumentException(what + " is longer than " + max + " characters: '" + value + "'");
            }
            for (char ch : value.toCharArray()) {
                boolean printable = (ch >= 0x20 && ch <= 0x7E) || (ch >= 0xA0 && ch <= 0xFF);
                if (!printable || ch == '\\') {
                    throw new IllegalArgumentException(what + " contains a character DICOM cannot carry here: '"
                            + value + "'");
                }
            }
        }
    }

    /** Fills what the caller leaves out: a random seed, then a plausible patient derived from it. */
    public static final class Builder {
        private int slices = 300;
        private boolean bleed;
        private String patientId;
        private String patientName;
        private LocalDate birthDate;
        private String sex;
        private String accession;
        private String institution = "CH DE DEMONSTRATION";
        private String referringPhysician;
        private Long seed;
        private int rows = 512;
        private int columns = 512;
        private LocalDateTime studyDateTime;

        private Builder() {
        }

        public Builder slices(int v) { slices = v; return this; }
        public Builder bleed(boolean v) { bleed = v; return this; }
        public Builder patientId(String v) { patientId = v; return this; }
        public Builder patientName(String v) { patientName = v; return this; }
        public Builder birthDate(LocalDate v) { birthDate = v; return this; }
        public Builder sex(String v) { sex = v; return this; }
        public Builder accession(String v) { accession = v; return this; }
        public Builder institution(String v) { institution = v; return this; }
        public Builder referringPhysician(String v) { referringPhysician = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder rows(int v) { rows = v; return this; }
        public Builder columns(int v) { columns = v; return this; }
        public Builder studyDateTime(LocalDateTime v) { studyDateTime = v; return this; }

        public StudySpec build() {
            long s = seed != null ? seed : new SecureRandom().nextLong();
            LocalDateTime when = studyDateTime != null ? studyDateTime
                    : LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
            SyntheticPatient p = SyntheticPatient.from(new SplittableRandom(s ^ PATIENT_SALT), when.toLocalDate());
            return new StudySpec(slices, bleed,
                    patientId != null ? patientId : p.id(),
                    patientName != null ? patientName : p.name(),
                    birthDate != null ? birthDate : p.birthDate(),
                    sex != null ? sex.toUpperCase(Locale.ROOT) : p.sex(),
                    accession != null ? accession : p.accession(),
                    institution,
                    referringPhysician != null ? referringPhysician : p.referringPhysician(),
                    s, rows, columns, when);
        }
    }

    /** One written slice. z is the slice centre in patient coordinates (mm), equal to its SliceLocation. */
    public record Instance(int instanceNumber, String sopInstanceUid, double z, Path file) {
    }

    public record GeneratedStudy(
            StudySpec spec,
            String studyInstanceUid,
            String seriesInstanceUid,
            String frameOfReferenceUid,
            List<Instance> instances) {

        public GeneratedStudy {
            instances = List.copyOf(instances);
        }

        public List<Path> files() {
            return instances.stream().map(Instance::file).toList();
        }

        public List<String> sopInstanceUids() {
            return instances.stream().map(Instance::sopInstanceUid).toList();
        }
    }

    /**
     * Writes {@code spec.slices()} files named {@code CT0001.dcm}... into {@code outDir} (created if
     * needed; files of the same name are replaced), inferior slice first. Slices are computed and
     * written in parallel; the result does not depend on the order.
     */
    public static GeneratedStudy generate(StudySpec spec, Path outDir) {
        return generate(spec, outDir, null);
    }

    /**
     * A haematoma of another size or place (centre and semi-axes in mm, patient coordinates with
     * the head's centre at the origin; x towards the patient's left). Its core is 72 HU inside a
     * 3 mm oedema rim. Used only when the spec asks for a bleed.
     */
    public record Bleed(double x, double y, double z, double semiAxisX, double semiAxisY, double semiAxisZ) {
        public Bleed {
            if (semiAxisX <= 0 || semiAxisY <= 0 || semiAxisZ <= 0) {
                throw new IllegalArgumentException("a bleed's semi-axes must be positive");
            }
        }

        /** The default haematoma: right basal ganglia, about 2.4 x 3.6 x 2.4 cm. */
        public static final Bleed DEFAULT = new Bleed(-32, 8, 10, 12, 18, 12);

        /** The volume of the 72 HU core, in mL. */
        public double volumeMl() {
            return 4.0 / 3 * Math.PI * semiAxisX * semiAxisY * semiAxisZ / 1000;
        }
    }

    /** As {@link #generate(StudySpec, Path)}, with the haematoma {@code bleed} (null: the default one). */
    public static GeneratedStudy generate(StudySpec spec, Path outDir, Bleed bleed) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + outDir, e);
        }
        // UIDs depend on the whole spec, not the seed alone: the same seed with and without --bleed
        // must not give two different images the same SOP Instance UID. Noise depends on the seed only.
        long specHash = 0x9E3779B97F4A7C15L * spec.toString().hashCode();
        if (bleed != null && spec.bleed()) {
            specHash ^= 0xC2B2AE3D27D4EB4FL * bleed.hashCode(); // another bleed, other UIDs
        }
        SplittableRandom uids = new SplittableRandom(spec.seed() ^ specHash);
        String studyUid = Uids.next(uids);
        String seriesUid = Uids.next(uids);
        String frameUid = Uids.next(uids);

        int n = spec.slices();
        double thickness = spec.sliceThicknessMm();
        double spacing = spec.pixelSpacingMm();
        SplittableRandom noiseSeeds = new SplittableRandom(spec.seed() ^ NOISE_SALT);
        List<Instance> instances = new ArrayList<>(n);
        long[] sliceSeeds = new long[n];
        for (int i = 0; i < n; i++) {
            double z = Math.round((i - (n - 1) / 2.0) * thickness * 1000) / 1000.0;
            instances.add(new Instance(i + 1, Uids.next(uids), z,
                    outDir.resolve(String.format(Locale.ROOT, "CT%04d.dcm", i + 1))));
            sliceSeeds[i] = noiseSeeds.nextLong();
        }

        CtImageWriter.SeriesHeader header = seriesHeader(spec, studyUid, seriesUid, frameUid, thickness, spacing);
        LocalDateTime acquired = header.seriesDateTime().plusSeconds(5);
        LocalDateTime reconstructed = acquired.plusSeconds(30);
        double x0 = HeadPhantom.centredCoordinate(0, spec.columns(), spacing);
        double y0 = HeadPhantom.centredCoordinate(0, spec.rows(), spacing);
        HeadPhantom phantom = bleed == null ? new HeadPhantom(spec.rows(), spec.columns(), spacing, spec.bleed())
                : new HeadPhantom(spec.rows(), spec.columns(), spacing, spec.bleed(), new HeadPhantom.Ellipsoid(
                        bleed.x(), bleed.y(), bleed.z(), bleed.semiAxisX(), bleed.semiAxisY(), bleed.semiAxisZ()));

        IntStream.range(0, n).parallel().forEach(i -> {
            Instance inst = instances.get(i);
            short[] pixels = phantom.slice(inst.z(), -RESCALE_INTERCEPT, new SplittableRandom(sliceSeeds[i]));
            CtImageWriter.SliceHeader slice = new CtImageWriter.SliceHeader(inst.sopInstanceUid(),
                    inst.instanceNumber(), x0, y0, inst.z(), inst.z(), acquired, reconstructed);
            CtImageWriter.write(header, slice, pixels, inst.file());
        });
        return new GeneratedStudy(spec, studyUid, seriesUid, frameUid, instances);
    }

    private static CtImageWriter.SeriesHeader seriesHeader(StudySpec spec, String studyUid, String seriesUid,
                                                           String frameUid, double thickness, double spacing) {
        LocalDateTime study = spec.studyDateTime();
        String studyId = Long.toString(Math.floorMod(spec.seed(), 100_000_000L));
        return new CtImageWriter.SeriesHeader(
                spec.patientName(), spec.patientId(), spec.birthDate(), spec.sex(),
                studyUid, study, studyId, spec.accession(), "CT HEAD WITHOUT CONTRAST", spec.referringPhysician(),
                seriesUid, 2, study.plusMinutes(2),
                String.format(Locale.ROOT, "AXIAL BRAIN %s MM", mm(thickness)),
                "HEAD", "HEAD ROUTINE",
                "RELAIS", "SYNTHETIC CT", "SIMCT01", spec.institution(), CtImageWriter.IMPLEMENTATION_VERSION_NAME,
                frameUid, spec.rows(), spec.columns(), spacing, thickness,
                RESCALE_INTERCEPT, 1, 40, 80, 120, 250, "STANDARD",
                // The ground truth (bleed or not) stays in the spec: a header must not give the answer away.
                "SYNTHETIC IMAGE - NOT A REAL PATIENT");
    }

    /** Short millimetre labels for descriptions: 0.6, 1.25, 5. */
    private static String mm(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
