package fr.relais.sim;

import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.sim.SyntheticCt.StudySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** DCMTK is the hospital side in our integration tests: it must read our files without complaint. */
class DcmdumpReadsGeneratedFilesTest {

    @Test
    void dcmdumpReadsAGeneratedSliceWithoutWarningsOrErrors(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("dcmdump"), "dcmdump is not on PATH (install the Debian package dcmtk)");
        GeneratedStudy study = SyntheticCt.generate(
                StudySpec.builder().slices(3).bleed(true).seed(11).build(), dir);

        for (Path file : study.files()) {
            Path stdout = dir.resolve("dcmdump.out");
            Path stderr = dir.resolve("dcmdump.err");
            // +L: print long values too, so that the pixel data line shows its length.
            Process p = new ProcessBuilder("dcmdump", "+L", file.toString())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> err = Files.readAllLines(stderr, StandardCharsets.ISO_8859_1);
            List<String> out = Files.readAllLines(stdout, StandardCharsets.ISO_8859_1);
            assertThat(p.exitValue()).as("dcmdump exit code, stderr: %s", err).isZero();
            assertThat(err).noneMatch(l -> l.startsWith("E:") || l.startsWith("W:") || l.startsWith("F:"));
            assertThat(out).noneMatch(l -> l.startsWith("E:") || l.startsWith("W:"));
            assertThat(out).anyMatch(l -> l.startsWith("(0002,0010) UI =LittleEndianExplicit"));
            assertThat(out).anyMatch(l -> l.startsWith("(0008,0016) UI =CTImageStorage"));
            assertThat(out).anyMatch(l -> l.startsWith("(7fe0,0010) OW ") && l.contains("# 524288,"));
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
