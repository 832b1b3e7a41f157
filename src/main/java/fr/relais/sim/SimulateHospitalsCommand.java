package fr.relais.sim;

import fr.relais.sim.CommandOptions.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code relais simulate hospitals}: the hospitals of a night, time compressed, against a running
 * Relais (see {@link HospitalSimulator}), with a progress bar. {@code RelaisApplication.main}
 * dispatches here.
 */
public final class SimulateHospitalsCommand {

    static final String USAGE_TEXT = """
            Usage: relais simulate hospitals [options]

            Files requests and sends small synthetic CT studies over DICOM to a running Relais, as the
            hospitals of a night would (busiest in the evening; head 50%%, abdomen-pelvis 27%%,
            angiography 17%%, thorax 4%%, trauma 1.5%%; 6%% of head CTs bleed), time compressed.

              --hospitals N        hospitals (the first N registered with an AE title; more are created)  default 13
              --exams N            exams in the night                                                default 250
              --speed X            the night runs X times faster (60: 12 hours in 12 minutes)       default 60
              --seed N             the night's randomness                                            default 1
              --slices N           slices per study                                                  default 20
              --matrix N           rows and columns of each slice (64..1024)                         default 128
              --workers N          exams sent at once                                                default 4
              --url URL            the server        [RELAIS_URL, else http://localhost:RELAIS_HTTP_PORT or 8080]
              --dicom-host HOST    its DICOM door    [RELAIS_DICOM_HOST, else the URL's host]
              --dicom-port N                         [RELAIS_DICOM_PORT, else 11112]
              --called-ae AE                         [RELAIS_DICOM_AE, else RELAIS]
              --quiet              no progress bar, only the summary
            The administrator's credentials (to create the run's accounts): RELAIS_ADMIN_USER [admin]
            and RELAIS_ADMIN_PASSWORD.
            """;

    private static final String WHOLE_NUMBER = "a whole number";

    private SimulateHospitalsCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.getenv(), System.out, System.err);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        HospitalSimulator.Settings settings;
        boolean quiet;
        try {
            CommandOptions o = CommandOptions.parse(args, Set.of("--hospitals", "--exams", "--speed", "--seed", "--slices",
                    "--matrix", "--workers", "--url", "--dicom-host", "--dicom-port", "--called-ae"), Set.of("--quiet"));
            if (o.help()) {
                out.print(USAGE_TEXT);
                return GenerateStudyCommand.OK;
            }
            quiet = o.flag("--quiet");
            URI url = o.get("--url", URI.create(env.getOrDefault("RELAIS_URL",
                    "http://localhost:" + env.getOrDefault("RELAIS_HTTP_PORT", "8080")) + "/"), v -> URI.create(v + "/"), "a URL");
            String password = env.get("RELAIS_ADMIN_PASSWORD");
            if (password == null || password.isBlank()) {
                throw new UsageException("set RELAIS_ADMIN_PASSWORD (and RELAIS_ADMIN_USER if not admin): "
                        + "the simulator creates its hospital and regulation accounts with them");
            }
            settings = new HospitalSimulator.Settings(url, env.getOrDefault("RELAIS_ADMIN_USER", "admin"), password,
                    o.get("--dicom-host", env.getOrDefault("RELAIS_DICOM_HOST", url.getHost())),
                    o.get("--dicom-port", Integer.parseInt(env.getOrDefault("RELAIS_DICOM_PORT", "11112")),
                            Integer::parseInt, WHOLE_NUMBER),
                    o.get("--called-ae", env.getOrDefault("RELAIS_DICOM_AE", "RELAIS")),
                    o.get("--hospitals", 13, Integer::parseInt, WHOLE_NUMBER),
                    o.get("--exams", 250, Integer::parseInt, WHOLE_NUMBER),
                    o.get("--speed", 60.0, Double::parseDouble, "a number"),
                    o.get("--seed", 1L, Long::parseLong, WHOLE_NUMBER),
                    o.get("--slices", 20, Integer::parseInt, WHOLE_NUMBER),
                    o.get("--matrix", 128, Integer::parseInt, WHOLE_NUMBER),
                    o.get("--workers", 4, Integer::parseInt, WHOLE_NUMBER));
            if (settings.hospitals() < 1 || settings.exams() < 1 || settings.speed() <= 0 || settings.workers() < 1
                    || settings.slices() < 1 || settings.matrix() < SyntheticCt.MIN_MATRIX
                    || settings.matrix() > SyntheticCt.MAX_MATRIX) {
                throw new UsageException("--hospitals, --exams, --speed, --slices and --workers must be positive, --matrix "
                        + SyntheticCt.MIN_MATRIX + ".." + SyntheticCt.MAX_MATRIX);
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("simulate hospitals: " + e.getMessage());
            err.println("Run 'relais simulate hospitals --help' for the options.");
            return GenerateStudyCommand.USAGE;
        }

        HospitalSimulator simulator = new HospitalSimulator(settings);
        out.printf(Locale.ROOT, "Simulating %d exams from %d hospitals against %s (DICOM %s:%d), %.0fx faster than a night%n",
                settings.exams(), settings.hospitals(), settings.url(), settings.dicomHost(), settings.dicomPort(),
                settings.speed());
        try {
            simulator.run(quiet ? () -> { } : () -> progress(out, simulator));
        } catch (IOException e) {
            err.println("simulate hospitals: " + e.getMessage());
            return GenerateStudyCommand.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GenerateStudyCommand.FAILED;
        }
        if (!quiet) {
            out.println();
        }
        long failed = simulator.failed();
        out.printf(Locale.ROOT, "%d exams sent, %d failed%n", simulator.done() - failed, failed);
        simulator.results().stream().filter(r -> r.error() != null).limit(5)
                .forEach(r -> err.println("  exam " + r.number() + " (" + r.hospital() + "): " + r.error()));
        return failed == 0 ? GenerateStudyCommand.OK : GenerateStudyCommand.FAILED;
    }

    /** {@code [#########...........]  42/250 sent  1 failed}, redrawn in place. */
    static String bar(int done, int total, long failed) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%4d/%d sent", done, total) + (failed > 0 ? "  " + failed + " failed" : "");
    }

    private static void progress(PrintStream out, HospitalSimulator simulator) {
        out.print("\r" + bar(simulator.done(), simulator.total(), simulator.failed()));
        out.flush();
    }
}
