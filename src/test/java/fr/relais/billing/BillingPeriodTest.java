package fr.relais.billing;

import fr.relais.platform.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.YearMonth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Billing periods and the subscription's share of each, in whole cents. */
class BillingPeriodTest {

    private static Subscription subscription(long annual, String start, Subscription.Frequency frequency) {
        return new Subscription(1, "CH", annual, LocalDate.parse(start), frequency, null);
    }

    @Test
    void twelveMonthlySharesAddUpToTheAnnualAmountToTheCent() {
        Subscription s = subscription(1_000_001, "2026-01-01", Subscription.Frequency.MONTHLY);
        long sum = 0;
        for (int m = 1; m <= 12; m++) {
            BillingPeriod p = BillingPeriod.startingIn(s, YearMonth.of(2026, m));
            assertThat(p.start()).isEqualTo(LocalDate.of(2026, m, 1));
            assertThat(p.end()).isEqualTo(LocalDate.of(2026, m, 1).plusMonths(1));
            long share = p.subscriptionCents(s);
            assertThat(share).isBetween(83_333L, 83_334L);
            sum += share;
        }
        assertThat(sum).isEqualTo(1_000_001);
        // the second year starts over
        assertThat(BillingPeriod.startingIn(s, YearMonth.of(2027, 1)).subscriptionCents(s)).isEqualTo(83_333);
    }

    @Test
    void quarterlyPeriodsFollowTheStartDate() {
        Subscription s = subscription(1_200_000, "2026-02-15", Subscription.Frequency.QUARTERLY);
        BillingPeriod second = BillingPeriod.startingIn(s, YearMonth.of(2026, 5));
        assertThat(second.start()).isEqualTo(LocalDate.of(2026, 5, 15));
        assertThat(second.end()).isEqualTo(LocalDate.of(2026, 8, 15));
        assertThat(second.subscriptionCents(s)).isEqualTo(300_000);
        assertThatThrownBy(() -> BillingPeriod.startingIn(s, YearMonth.of(2026, 6)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no billing period");
        assertThatThrownBy(() -> BillingPeriod.startingIn(s, YearMonth.of(2025, 11)))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void anAnnualSubscriptionIsOneInvoiceAYear() {
        Subscription s = subscription(999_999, "2025-07-01", Subscription.Frequency.ANNUAL);
        BillingPeriod p = BillingPeriod.startingIn(s, YearMonth.of(2026, 7));
        assertThat(p.start()).isEqualTo(LocalDate.of(2026, 7, 1));
        assertThat(p.end()).isEqualTo(LocalDate.of(2027, 7, 1));
        assertThat(p.subscriptionCents(s)).isEqualTo(999_999);
    }

    @Test
    void eurosAreWrittenTheFrenchWay() {
        assertThat(Money.euros(0)).isEqualTo("0,00 €");
        assertThat(Money.euros(5)).isEqualTo("0,05 €");
        assertThat(Money.euros(123_456_789)).isEqualTo("1 234 567,89 €");
    }

    @Test
    void eurosTypedInAFormBecomeCentsExactly() {
        assertThat(Money.cents("x", "1200")).isEqualTo(120_000);
        assertThat(Money.cents("x", "1 200,5")).isEqualTo(120_050);
        assertThat(Money.cents("x", "0.07")).isEqualTo(7);
        assertThat(Money.cents("x", "19,99 €")).isEqualTo(1_999);
        assertThat(Money.cents("x", " ")).isNull();
        assertThatThrownBy(() -> Money.cents("x", "-5")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Money.cents("x", "12,345")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Money.cents("x", "1e3")).isInstanceOf(InvalidInputException.class);
    }
}
