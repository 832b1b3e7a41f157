package fr.relais.ai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AiStatisticsTest {

    @Test
    void wilsonIntervalsMatchPublishedValues() {
        // Values of the Wilson score interval as tabulated (e.g. Newcombe 1998, method 3), to 4 places.
        assertThat(AiStatistics.wilson(0, 10)).containsExactly(new double[] {0, 0.2775}, within(0.0001));
        assertThat(AiStatistics.wilson(10, 10)).containsExactly(new double[] {0.7225, 1}, within(0.0001));
        assertThat(AiStatistics.wilson(3, 4)).containsExactly(new double[] {0.3006, 0.9544}, within(0.0001));
        assertThat(AiStatistics.wilson(2, 3)).containsExactly(new double[] {0.2077, 0.9385}, within(0.0001));
    }

    @Test
    void aRowWithNothingToCountHasNoValue() {
        AiStatistics.Row r = AiStatistics.row("e", "ICH", "2026-11", 0, 0, 5, 0);
        assertThat(r.sensitivity().value()).isNull();
        assertThat(r.ppv().n()).isZero();
        assertThat(r.specificity().value()).isEqualTo(1.0);
        assertThat(r.npv().k()).isEqualTo(5);
    }

    @Test
    void theThresholdForATargetSensitivityMissesNoMoreThanItMay() {
        List<Double> positives = List.of(0.2, 0.8, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0,
                9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0);
        assertThat(Thresholds.forSensitivity(0.95, positives)).isEqualTo(0.8); // 20 positives: one may be missed
        assertThat(Thresholds.forSensitivity(1.0, positives)).isEqualTo(0.2);
        assertThat(Thresholds.forSensitivity(0.90, positives)).isEqualTo(1.0);
        Thresholds.Performance p = Thresholds.performance(0.8, positives, List.of(0.0, 0.5, 0.9));
        assertThat(p.sensitivity()).isEqualTo(0.95);
        assertThat(p.specificity()).isCloseTo(2.0 / 3, within(1e-9));
    }
}
