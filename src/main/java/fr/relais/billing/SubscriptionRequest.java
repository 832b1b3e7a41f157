package fr.relais.billing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.LocalDate;

/** A subscription as the billing team sets it: amounts in euro cents, never negative. */
public record SubscriptionRequest(
        @NotNull(message = "{billing.subscription.amount.required}")
        @PositiveOrZero(message = "{billing.amount.negative}")
        @Max(value = 100_000_000_00L, message = "{billing.amount.tooLarge}")
        Long annualAmountCents,
        @NotNull(message = "{billing.subscription.startsOn.required}")
        LocalDate startsOn,
        @NotNull(message = "{billing.subscription.frequency.required}")
        Subscription.Frequency frequency,
        @PositiveOrZero(message = "{billing.amount.negative}")
        @Max(value = 1_000_000_00L, message = "{billing.amount.tooLarge}")
        Long perExamFeeCents) {}
