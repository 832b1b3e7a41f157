package fr.relais.portal;

import fr.relais.request.ConsentStatus;
import fr.relais.request.ConsentUpdate;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The consent block of a request's page; its field names are the service's, so refusals land on them. */
public record ConsentForm(
        @NotNull(message = "{request.consent.required}") ConsentStatus consent,
        @Size(max = 128, message = "{request.trustedPersonName.tooLong}") String trustedPersonName,
        @Size(max = 2000, message = "{request.consentJustification.tooLong}") String consentJustification) {

    ConsentUpdate toUpdate() {
        return new ConsentUpdate(consent, blankToNull(trustedPersonName), blankToNull(consentJustification));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
