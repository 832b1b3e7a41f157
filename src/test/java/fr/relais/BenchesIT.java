package fr.relais;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmarks that cannot rot: every {@code ./relais bench ...} command, run as the README prints
 * it, by bash, at a tiny size (a few slices, one round), and failed when it exits non-zero or does
 * not end with its figures, one machine-readable line each ({@code bench NAME FIGURE VALUE UNIT}).
 * The servers the benches start are started as an operator starts one, with default settings
 * (second factor on: the benches log in with the codes they compute); no RELAIS_ variable of the
 * suite's environment reaches them. The jar is not built during the tests: the scripts run the
 * server and its tools from the build's classes (RELAIS_CLASSPATH, RELAIS_TEST_CLASSPATH). No
 * figure's value is judged, only that it is there and a number: time is never asserted.
 * {@code bench wado} needs the Debian packages orthanc and orthanc-dicomweb ({@code ./relais setup}
 * installs them as root); without them it fails, saying so. The four start together (most of
 * their time is servers and JVMs starting), each test then waits for its own.
 */
class BenchesIT {

    private static final Map<String, Run> RUNS = new LinkedHashMap<>();

    /** A bench command started, its output going to its log. */
    private record Run(String name, List<String> args, Process process, Path log) {}

    @BeforeAll
    static void startEveryBench() throws IOException {
        start("ingest", "--rounds", "1", "--warmup", "0", "--slices", "3");
        start("wado", "--rounds", "1", "--warmup", "0", "--slices", "3", "--clients", "2");
        start("worklist", "200", "--open", "10", "--queries", "20", "--warmup", "2", "--clients", "2", "--seconds", "1");
        start("ai", "--studies", "2", "--slices", "12", "--matrix", "128");
    }

    @AfterAll
    static void stopWhatIsLeft() {
        RUNS.values().forEach(run -> {
            run.process().descendants().forEach(ProcessHandle::destroy);
            run.process().destroy();
        });
    }

    private static final Pattern FIGURE = Pattern.compile("bench (\\S+) ([a-z0-9_]+) (-?[0-9]+(?:\\.[0-9]+)?) (\\S+)");
    private static final Path LOGS = Path.of("target", "benches");

    @Test
    void benchIngestSendsToStorescpAndRelaisAndPrintsItsFigures() throws Exception {
        Map<String, String> figures = figures("ingest");
        assertThat(figures).containsOnlyKeys("storescp_instances_per_s", "relais_instances_per_s", "relais_over_storescp");
        assertThat(figures.get("relais_instances_per_s")).isEqualTo("1/s");
        assertThat(figures.get("relais_over_storescp")).isEqualTo("ratio");
    }

    @Test
    void benchWadoReadsRelaisAsTheClaimHolderAndOrthancAndPrintsItsFigures() throws Exception {
        Map<String, String> figures = figures("wado");
        List<String> expected = new ArrayList<>();
        for (String metric : List.of("metadata_median", "metadata_p95", "all_frames_median", "all_frames_p95",
                "frames_per_s", "frame_under_load_median", "frame_under_load_p95", "frame_alone_median",
                "frame_alone_p95")) {
            expected.add("relais_" + metric);
            expected.add("orthanc_" + metric);
        }
        for (String metric : List.of("metadata", "all_frames", "frames_per_s", "frame_under_load", "frame_alone")) {
            expected.add("relais_speed_over_orthanc_" + metric);
        }
        assertThat(figures).containsOnlyKeys(expected);
        assertThat(figures.get("relais_metadata_median")).isEqualTo("ms");
        assertThat(figures.get("orthanc_all_frames_median")).isEqualTo("s");
    }

    @Test
    void benchWorklistClaimsUnderParallelClientsAndPrintsItsFigures() throws Exception {
        Map<String, String> figures = figures("worklist");
        assertThat(figures).containsOnlyKeys("query_p50", "query_p99", "claim_p50", "claim_p99",
                "parallel_claims_per_s", "parallel_claim_p50", "parallel_claim_p99");
        assertThat(figures.get("claim_p99")).isEqualTo("ms");
    }

    @Test
    void benchAiRunsTheDetectorOnGeneratedStudiesAndPrintsItsFigures() throws Exception {
        Map<String, String> figures = figures("ai");
        assertThat(figures).containsOnlyKeys("threshold_95", "sensitivity", "specificity", "time_per_study_median");
        assertThat(figures.get("threshold_95")).isEqualTo("mL");
    }

    /** Starts {@code ./relais bench NAME ARGS} as a reader of the README would type it. */
    private static void start(String name, String... args) throws IOException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of("bash", "./relais", "bench", name));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File("."))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("RELAIS_"));
        env.remove("JAVA_OPTS");
        env.put("RELAIS_CLASSPATH", runtimeClasspath());
        env.put("RELAIS_TEST_CLASSPATH", System.getProperty("java.class.path"));
        RUNS.put(name, new Run(name, List.of(args), builder.start(), log));
    }

    /**
     * Waits for a bench started by {@link #startEveryBench}; asserts that it exits 0 and that its
     * output ends with its figure lines, each a number; answers each figure's name with its unit.
     */
    private static Map<String, String> figures(String name) throws Exception {
        Run run = RUNS.get(name);
        Process bench = run.process();
        boolean ended = bench.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            bench.descendants().forEach(ProcessHandle::destroy);
            bench.destroy();
            bench.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(run.log(), StandardCharsets.UTF_8);
        String shown = "./relais bench " + name + " " + String.join(" ", run.args()) + " (log " + run.log() + "):\n" + output;
        assertThat(ended).as("ends within 6 minutes: " + shown).isTrue();
        assertThat(bench.exitValue()).as("exit status of " + shown).isZero();

        // The figures come last: from the first figure line on, nothing else.
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("bench " + name + " ")) {
            first++;
        }
        List<String> tail = lines.subList(first, lines.size());
        assertThat(tail).as("the figure lines at the end of " + shown).isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches(FIGURE));
        Map<String, String> units = new LinkedHashMap<>();
        for (String line : tail) {
            Matcher m = FIGURE.matcher(line);
            assertThat(m.matches()).isTrue();
            assertThat(m.group(1)).as(line).isEqualTo(name);
            assertThat(units.put(m.group(2), m.group(4))).as("printed once: " + line).isNull();
            assertThat(Double.parseDouble(m.group(3))).as(line).isFinite();
        }
        return units;
    }

    /**
     * The server's class path: the build's classes and the dependencies, without the test classes
     * (a bench's server must be the application alone, with its own configuration).
     */
    private static String runtimeClasspath() throws IOException {
        Path testClasses = Path.of("target", "test-classes").toRealPath();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> {
                    try {
                        return !Path.of(entry).toRealPath().equals(testClasses);
                    } catch (IOException missing) {
                        return false;
                    }
                })
                .collect(Collectors.joining(File.pathSeparator));
    }
}
