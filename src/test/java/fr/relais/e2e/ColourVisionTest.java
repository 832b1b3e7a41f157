package fr.relais.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The measure the worklist's colours are checked with tells apart what it must. */
class ColourVisionTest {

    @Test
    void blackOnWhiteIsTheHighestContrastAndAColourOnItselfTheLowest() {
        assertThat(ColourVision.contrast(new int[] {0, 0, 0}, new int[] {255, 255, 255})).isCloseTo(21, within(0.01));
        assertThat(ColourVision.contrast(ColourVision.rgb("rgb(29, 78, 216)"), ColourVision.rgb("rgba(29, 78, 216, 1)")))
                .isCloseTo(1, within(0.001));
    }

    @Test
    void theClassicRedAndGreenThatDeuteranopesConfuseComeCloseUnderTheSimulation() {
        int[] red = ColourVision.rgb("rgb(214, 39, 40)");
        int[] green = ColourVision.rgb("rgb(44, 160, 44)");
        assertThat(ColourVision.distance(ColourVision.Deficiency.DEUTERANOPIA, red, green)).isLessThan(15);
        assertThat(ColourVision.distance(ColourVision.Deficiency.PROTANOPIA, red, green)).isLessThan(40);
        int[] blue = ColourVision.rgb("rgb(29, 78, 216)");
        assertThat(ColourVision.distance(ColourVision.Deficiency.DEUTERANOPIA, red, blue)).isGreaterThan(80);
    }
}
