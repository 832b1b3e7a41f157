package fr.relais.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateStudyCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GenerateStudyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheAskedNumberOfSlicesAndExitsZero(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("study");
        int code = run("--slices", "3", "--bleed", "--seed=5", "--patient-id", "P1", "--accession", "A1",
                "--out", out.toString());
        assertThat(code).as(stderr()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("CT0001.dcm", "CT0002.dcm", "CT0003.dcm");
        }
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("StudyInstanceUID", "P1", "A1");
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: relais generate-study", "--bleed");
    }

    @Test
    void unknownOptionExitsTwo(@TempDir Path dir) {
        assertThat(run("--slices", "3", "--colour", "red", "--out", dir.toString())).isEqualTo(2);
        assertThat(stderr()).contains("unknown option '--colour'");
    }

    @Test
    void nonNumericSlicesExitTwo(@TempDir Path dir) {
        assertThat(run("--slices", "many", "--out", dir.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--slices needs a whole number, got 'many'");
    }

    @Test
    void outOfRangeSlicesExitTwo(@TempDir Path dir) {
        assertThat(run("--slices", "0", "--out", dir.toString())).isEqualTo(2);
        assertThat(stderr()).contains("slices must be between 1 and 2000, got 0");
        assertThat(run("--slices", "2001", "--out", dir.toString())).isEqualTo(2);
        assertThat(stderr()).contains("got 2001");
    }

    @Test
    void missingOutExitsTwo() {
        assertThat(run("--slices", "3")).isEqualTo(2);
        assertThat(stderr()).contains("--out DIR is required");
    }

    @Test
    void optionWithoutItsValueExitsTwo() {
        assertThat(run("--out")).isEqualTo(2);
        assertThat(stderr()).contains("--out needs a value");
    }

    @Test
    void badArgumentsWriteNothing(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("never");
        assertThat(run("--slices", "3", "--sex", "Z", "--out", out.toString())).isEqualTo(2);
        assertThat(stderr()).contains("sex must be M, F or O");
        assertThat(out).doesNotExist();
    }
}
