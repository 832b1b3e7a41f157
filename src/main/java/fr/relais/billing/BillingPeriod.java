package fr.relais.billing;

import fr.relais.platform.InvalidInputException;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;

/**
 * One billing period of a subscription: [start, end), the index-th from the subscription's start,
 * and the subscription's share of it in cents. The shares of one year add up to the annual
 * amount exactly: each period gets the difference of two rounded-down running totals, so the
 * cents a division leaves over land in the later periods instead of being lost or invented.
 */
record BillingPeriod(LocalDate start, LocalDate end, long index) {

    /** The period of the subscription that starts in the given month; 400 when none does. */
    static BillingPeriod startingIn(Subscription s, YearMonth month) {
        int step = s.frequency().months();
        LocalDate first = s.startsOn();
        long monthsFromStart = ChronoUnit.MONTHS.between(YearMonth.from(first), month);
        if (monthsFromStart < 0 || monthsFromStart % step != 0) {
            throw new InvalidInputException("month", "billing.invoice.noPeriod",
                    "no billing period of this subscription starts in " + month + " (every " + step
                            + " month(s) from " + first + ")", month.toString(), step, first.toString());
        }
        long index = monthsFromStart / step;
        return new BillingPeriod(first.plusMonths(index * step), first.plusMonths((index + 1) * step), index);
    }

    long subscriptionCents(Subscription s) {
        int perYear = 12 / s.frequency().months();
        long inYear = index % perYear;
        return runningTotal(s.annualAmountCents(), inYear + 1, perYear) - runningTotal(s.annualAmountCents(), inYear, perYear);
    }

    private static long runningTotal(long annualCents, long periods, int perYear) {
        return Math.multiplyExact(annualCents, periods) / perYear;
    }
}
