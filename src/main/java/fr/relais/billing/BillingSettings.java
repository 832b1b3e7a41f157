package fr.relais.billing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * relais.billing.*: what every invoice states besides its lines: the VAT rate in basis points
 * (2000 = 20 %, the French standard rate for software), the days the hospital has to pay, and who
 * issues it (name, address, SIREN, VAT number).
 */
@ConfigurationProperties("relais.billing")
record BillingSettings(
        @DefaultValue("2000") int vatRateBasisPoints,
        @DefaultValue("30") int paymentDays,
        @DefaultValue("Relais, téléradiologie d'urgence") String sellerName,
        @DefaultValue("") String sellerAddress,
        @DefaultValue("") String sellerSiren,
        @DefaultValue("") String sellerVatNumber) {

    BillingSettings {
        if (vatRateBasisPoints < 0 || vatRateBasisPoints > 10_000) {
            throw new IllegalArgumentException("relais.billing.vat-rate-basis-points is between 0 and 10000");
        }
        if (paymentDays < 0 || paymentDays > 365) {
            throw new IllegalArgumentException("relais.billing.payment-days is between 0 and 365");
        }
    }

    /** The VAT on an amount before tax, rounded half up to the cent. */
    long vatOn(long cents) {
        return Math.addExact(Math.multiplyExact(cents, (long) vatRateBasisPoints), 5_000) / 10_000;
    }
}
