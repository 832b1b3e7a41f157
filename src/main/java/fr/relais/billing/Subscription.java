package fr.relais.billing;

import java.time.LocalDate;

/**
 * A hospital's software subscription: the annual amount in euro cents, from {@code startsOn},
 * invoiced every month, quarter or year, plus {@code perExamFeeCents} for each act when its
 * contract has a per-exam fee (null: none).
 */
public record Subscription(long hospitalId, String hospitalName, long annualAmountCents, LocalDate startsOn,
                           Frequency frequency, Long perExamFeeCents) {

    public enum Frequency {
        MONTHLY(1), QUARTERLY(3), ANNUAL(12);

        private final int months;

        Frequency(int months) {
            this.months = months;
        }

        public int months() {
            return months;
        }
    }
}
