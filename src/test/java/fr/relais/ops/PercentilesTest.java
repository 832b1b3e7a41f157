package fr.relais.ops;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PercentilesTest {

    /* Like PostgreSQL's percentile_cont: rank p * (n - 1), interpolated between its two neighbours. */
    @Test
    void percentilesInterpolateBetweenRanksAsPostgresDoes() {
        List<Integer> minutes = List.of(20, 10, 40, 30); // sorted 10 20 30 40
        assertThat(Percentiles.of(minutes, 0.5)).isCloseTo(25.0, within(1e-9));   // rank 1.5
        assertThat(Percentiles.of(minutes, 0.9)).isCloseTo(37.0, within(1e-9));   // rank 2.7: 30 + 0.7 * 10
        assertThat(Percentiles.of(minutes, 0.0)).isEqualTo(10.0);
        assertThat(Percentiles.of(minutes, 1.0)).isEqualTo(40.0);
        assertThat(Percentiles.of(List.of(7), 0.9)).isEqualTo(7.0);
        assertThat(Percentiles.mean(new double[] {10, 20, 30, 40})).isEqualTo(25.0);
    }

    @Test
    void noValuesHaveNoPercentile() {
        assertThat(Percentiles.of(List.<Integer>of(), 0.5)).isNaN();
        assertThat(Percentiles.mean(new double[0])).isNaN();
        assertThatThrownBy(() -> Percentiles.of(List.of(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
