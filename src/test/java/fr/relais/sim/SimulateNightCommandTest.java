package fr.relais.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateNightCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SimulateNightCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSmallNightPrintsItsFiguresThePoliciesAndARecommendation() {
        assertThat(run("--exams", "60", "--nights", "1", "--radiologists", "3", "--seed=4")).isZero();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("60 exams from 13 hospitals", "seed 4", "3 3 3 3 3 3 3 3 3 3 3 3 (36 radiologist-hours)",
                "== Policy: deadline with AI (production) ==", "Turnaround, first image -> signed", "vital (P1)",
                "Utilisation:", "first in, first out", "urgency only", "== Recommendation", "radiologist-hours");
    }

    @Test
    void theSameSeedPrintsTheSameNight() {
        run("--exams", "40", "--nights", "1", "--policy", "fifo");
        String first = out.toString(StandardCharsets.UTF_8).replaceAll("\\(simulated in .*\\)", "");
        out.reset();
        run("--exams", "40", "--nights", "1", "--policy", "fifo");
        assertThat(out.toString(StandardCharsets.UTF_8).replaceAll("\\(simulated in .*\\)", "")).isEqualTo(first);
        assertThat(first).contains("== Policy: first in, first out ==");
    }

    @Test
    void theReadmeShowsWhatTheDefaultsPrint() throws java.io.IOException {
        assertThat(run()).isZero();
        String printed = out.toString(StandardCharsets.UTF_8).replaceAll("\\(simulated in .*\\)", "").strip();
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int start = readme.indexOf("Relais night simulation: 250 exams");
        assertThat(start).as("the README shows the default output").isPositive();
        String shown = readme.substring(start, readme.indexOf("(simulated in", start)).strip();
        assertThat(printed).isEqualTo(shown);
    }

    @Test
    void everyVitalExamCanBeTheRule() {
        assertThat(run("--exams", "40", "--nights", "1", "--every-vital")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("vital exams opened within 5.0 min (every one)");
    }

    @Test
    void aBadOptionIsExplained() {
        assertThat(run("--radiologists", "3,4")).isEqualTo(GenerateStudyCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--radiologists needs one number or 12 numbers");
        err.reset();
        assertThat(run("--reading", "FOOT=3")).isEqualTo(GenerateStudyCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("KIND=MINUTES");
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: relais simulate night");
    }
}
