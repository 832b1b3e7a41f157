package fr.relais.billing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VAT is rounded half up to the cent, and the rate is written the French way on the invoice. */
class BillingSettingsTest {

    private static BillingSettings rate(int basisPoints) {
        return new BillingSettings(basisPoints, 30, "Relais", "", "", "");
    }

    @Test
    void vatIsRoundedHalfUpToTheCent() {
        assertThat(rate(2000).vatOn(103_000)).isEqualTo(20_600);
        assertThat(rate(2000).vatOn(1)).isEqualTo(0);        // 0.2 cent
        assertThat(rate(2000).vatOn(3)).isEqualTo(1);        // 0.6 cent
        assertThat(rate(550).vatOn(10)).isEqualTo(1);        // 0.55 cent
        assertThat(rate(550).vatOn(9)).isEqualTo(0);         // 0.495 cent
        assertThat(rate(0).vatOn(123_456)).isZero();
        assertThat(rate(10_000).vatOn(123_456)).isEqualTo(123_456);
    }

    @Test
    void theRateIsWrittenTheFrenchWay() {
        assertThat(Invoices.percent(2000)).isEqualTo("20 %");
        assertThat(Invoices.percent(550)).isEqualTo("5,5 %");
        assertThat(Invoices.percent(210)).isEqualTo("2,1 %");
        assertThat(Invoices.percent(0)).isEqualTo("0 %");
    }

    @Test
    void anImpossibleRateOrDelayIsRefusedAtStart() {
        assertThatThrownBy(() -> rate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rate(10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BillingSettings(2000, 400, "Relais", "", "", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
