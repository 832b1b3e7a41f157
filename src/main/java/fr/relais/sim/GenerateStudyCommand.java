package fr.relais.sim;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

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
        Path outDir = null;
        try {
            SyntheticCt.Builder b = SyntheticCt.StudySpec.builder();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                if (arg.equals("--help") || arg.equals("-h")) {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                if (arg.equals("--bleed")) {
                    if (value != null) {
                        throw new UsageException("--bleed takes no value");
                    }
                    b.bleed(true);
                    continue;
                }
                if (!VALUE_OPTIONS.contains(arg)) {
                    throw new UsageException("unknown option '" + args[i] + "'");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(arg + " needs a value");
                    }
                    value = args[++i];
                }
                switch (arg) {
                    case "--out" -> outDir = Path.of(value);
                    case "--slices" -> b.slices(parse(arg, value, Integer::parseInt, WHOLE_NUMBER));
                    case "--seed" -> b.seed(parse(arg, value, Long::parseLong, WHOLE_NUMBER));
                    case "--patient-id" -> b.patientId(value);
                    case "--patient-name" -> b.patientName(value);
                    case "--birth-date" -> b.birthDate(parse(arg, value, LocalDate::parse, "a date like 1950-03-21"));
                    case "--sex" -> b.sex(value);
                    case "--accession" -> b.accession(value);
                    case "--institution" -> b.institution(value);
                    case "--referring-physician" -> b.referringPhysician(value);
                    case "--study-date-time" -> b.studyDateTime(
                            parse(arg, value, LocalDateTime::parse, "a date and time like 2026-11-27T03:14"));
                    case "--rows" -> b.rows(parse(arg, value, Integer::parseInt, WHOLE_NUMBER));
                    case "--columns" -> b.columns(parse(arg, value, Integer::parseInt, WHOLE_NUMBER));
                    default -> throw new IllegalStateException("option without a handler: " + arg);
                }
            }
            if (outDir == null) {
                throw new UsageException("--out DIR is required");
            }
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

    private static <T> T parse(String option, String value, Function<String, T> parser, String expected) {
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new UsageException(option + " needs " + expected + ", got '" + value + "'");
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
