package fr.relais.sim;

import fr.relais.sim.CommandOptions.UsageException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Set;

/**
 * {@code relais generate-study}: writes one synthetic head CT study into a folder. Runs without
 * Spring; {@code RelaisApplication.main} dispatches here.
 */
public final class GenerateStudyCommand {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: relais generate-study --out DIR [options]

            Writes a synthetic non-contrast head CT (one axial series, CT Image Storage,
            Explicit VR Little Endian) into DIR as CT0001.dcm, CT0002.dcm, ...

              --out DIR                  output folder (created if missing)           required
              --slices N                 number of slices, 1..%d                    default 300
              --bleed                    add an intraparenchymal haematoma (right hemisphere)
              --seed N                   makes the patient and the noise reproducible, default random
                                         and the UIDs too when --study-date-time is also given
              --patient-id ID            default derived from the seed
              --patient-name 'FAMILY^GIVEN'
              --birth-date YYYY-MM-DD
              --sex M|F|O
              --accession A              at most 16 characters
              --institution NAME
              --referring-physician 'FAMILY^GIVEN'
              --study-date-time YYYY-MM-DDTHH:MM[:SS]                                  default now
              --rows N, --columns N      %d..%d                                     default 512
            """.formatted(SyntheticCt.MAX_SLICES, SyntheticCt.MIN_MATRIX, SyntheticCt.MAX_MATRIX);

    private static final String WHOLE_NUMBER = "a whole number";
    private static final Set<String> VALUE_OPTIONS = Set.of("--out", "--slices", "--seed", "--patient-id",
            "--patient-name", "--birth-date", "--sex", "--accession", "--institution", "--referring-physician",
            "--study-date-time", "--rows", "--columns");

    private GenerateStudyCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        SyntheticCt.StudySpec spec;
        Path outDir;
        try {
            CommandOptions o = CommandOptions.parse(args, VALUE_OPTIONS, Set.of("--bleed"));
            if (o.help()) {
                out.print(USAGE_TEXT);
                return OK;
            }
            SyntheticCt.Builder b = SyntheticCt.StudySpec.builder().bleed(o.flag("--bleed"));
            o.ifGiven("--slices", Integer::parseInt, WHOLE_NUMBER, b::slices);
            o.ifGiven("--seed", Long::parseLong, WHOLE_NUMBER, b::seed);
            o.ifGiven("--patient-id", b::patientId);
            o.ifGiven("--patient-name", b::patientName);
            o.ifGiven("--birth-date", LocalDate::parse, "a date like 1950-03-21", b::birthDate);
            o.ifGiven("--sex", b::sex);
            o.ifGiven("--accession", b::accession);
            o.ifGiven("--institution", b::institution);
            o.ifGiven("--referring-physician", b::referringPhysician);
            o.ifGiven("--study-date-time", LocalDateTime::parse, "a date and time like 2026-11-27T03:14", b::studyDateTime);
            o.ifGiven("--rows", Integer::parseInt, WHOLE_NUMBER, b::rows);
            o.ifGiven("--columns", Integer::parseInt, WHOLE_NUMBER, b::columns);
            String folder = o.get("--out", null);
            if (folder == null) {
                throw new UsageException("--out DIR is required");
            }
            outDir = Path.of(folder);
            spec = b.build();
        } catch (UsageException | IllegalArgumentException e) {
            err.println("generate-study: " + e.getMessage());
            err.println("Run 'relais generate-study --help' for the options.");
            return USAGE;
        }

        long start = System.nanoTime();
        SyntheticCt.GeneratedStudy study;
        try {
            study = SyntheticCt.generate(spec, outDir);
        } catch (UncheckedIOException e) {
            err.println("generate-study: " + e.getMessage() + ": " + e.getCause().getMessage());
            return FAILED;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "Wrote %d CT slice%s%s to %s in %.1f s%n", spec.slices(),
                spec.slices() == 1 ? "" : "s", spec.bleed() ? " (with haematoma)" : "", outDir, seconds);
        out.println("  StudyInstanceUID  " + study.studyInstanceUid());
        out.println("  SeriesInstanceUID " + study.seriesInstanceUid());
        out.println("  PatientID " + spec.patientId() + "  AccessionNumber " + spec.accession()
                + "  Seed " + spec.seed());
        return OK;
    }
}
