package fr.relais.billing;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * An issued invoice: the subscription's share of the period [periodStart, periodEnd), and the
 * per-exam fees of the acts in it, before tax (totalCents), the VAT at its rate in basis points, the
 * amount due with it, and when; every amount in euro cents. Issued once, never changed.
 */
public record Invoice(long id, String number, long hospitalId, String hospitalName, LocalDate periodStart,
                      LocalDate periodEnd, long subscriptionCents, int examCount, long perExamFeeCents,
                      long examsCents, long totalCents, int vatRateBasisPoints, long vatCents,
                      long totalWithVatCents, LocalDate dueOn, OffsetDateTime issuedAt, String issuedBy) {}
