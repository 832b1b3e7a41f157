package fr.relais.portal;

import fr.relais.request.ConsentStatus;
import fr.relais.request.ConsentUpdate;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The consent block of a request's page. */
public record ConsentForm(
        @NotNull(message = "{request.consent.required}") ConsentStatus status,
        @Size(max = 128, message = "{request.trustedPersonName.tooLong}") String trustedPersonName,
        @Size(max = 2000, message = "{request.consentJustification.tooLong}") String justification) {

    ConsentUpdate toUpdate() {
        return new ConsentUpdate(status, blankToNull(trustedPersonName), blankToNull(justification));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
