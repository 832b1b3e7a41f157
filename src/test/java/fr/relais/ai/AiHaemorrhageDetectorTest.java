package fr.relais.ai;

import fr.relais.dicom.CtSlice;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.Bleed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The reference detector on generated head CTs: every bleed found, with its volume; no normal flagged. */
class AiHaemorrhageDetectorTest {

    @TempDir
    Path work;

    static final List<Bleed> BLEEDS = List.of(
            Bleed.DEFAULT,                             // right basal ganglia, ~11 mL
            new Bleed(25, -45, 20, 6, 6, 6),           // small left frontal, ~0.9 mL
            new Bleed(10, 60, -10, 8, 10, 8),          // left occipital, ~2.7 mL
            new Bleed(-20, 20, 35, 15, 20, 12));       // large right parietal, ~15 mL

    static List<CtSlice> study(Path dir, long seed, boolean bleed, Bleed where, int matrix, int slices) throws Exception {
        SyntheticCt.GeneratedStudy s = SyntheticCt.generate(SyntheticCt.StudySpec.builder()
                .slices(slices).rows(matrix).columns(matrix).bleed(bleed).seed(seed).build(), dir, where);
        List<CtSlice> out = new ArrayList<>();
        for (Path f : s.files()) {
            out.add(CtSlice.read(Files.readAllBytes(f)));
        }
        return out;
    }

    @Test
    void everyBleedIsFoundWithAboutItsVolumeAndAKeySliceThatCrossesIt() throws Exception {
        long seed = 11;
        for (Bleed b : BLEEDS) {
            Path dir = work.resolve("b" + seed);
            List<CtSlice> slices = study(dir, seed++, true, b, 256, 60);
            HaemorrhageDetector.Finding f = HaemorrhageDetector.analyse(slices);
            assertThat(f.volumeMl()).as("volume of %s", b).isBetween(0.5 * b.volumeMl(), 1.3 * b.volumeMl());
            CtSlice key = slices.stream().filter(s -> s.sopInstanceUid().equals(f.keySopInstanceUid())).findFirst().orElseThrow();
            assertThat(key.z()).as("key slice of %s", b).isCloseTo(b.z(), within(b.semiAxisZ()));
            assertThat(f.keyFrame()).isEqualTo(1);
        }
    }

    @Test
    void normalHeadsGiveNothingWhateverTheNoise() throws Exception {
        for (long seed = 100; seed < 104; seed++) {
            HaemorrhageDetector.Finding f = HaemorrhageDetector.analyse(study(work.resolve("n" + seed), seed, false, null, 256, 60));
            assertThat(f.volumeMl()).as("seed %d", seed).isLessThan(0.05);
        }
    }

    @Test
    void theDefaultBleedAtFullResolutionIsAboutElevenMillilitres() throws Exception {
        HaemorrhageDetector.Finding f = HaemorrhageDetector.analyse(study(work.resolve("full"), 7, true, null, 512, 60));
        assertThat(f.volumeMl()).isCloseTo(Bleed.DEFAULT.volumeMl(), within(0.25 * Bleed.DEFAULT.volumeMl()));
        assertThat(f.slices()).isEqualTo(60);
    }

    @Test
    void slicesInAnyOrderGiveTheSameFinding() throws Exception {
        List<CtSlice> slices = new ArrayList<>(study(work.resolve("o"), 21, true, null, 128, 40));
        HaemorrhageDetector.Finding inOrder = HaemorrhageDetector.analyse(slices);
        java.util.Collections.reverse(slices);
        assertThat(HaemorrhageDetector.analyse(slices)).isEqualTo(inOrder);
    }
}
