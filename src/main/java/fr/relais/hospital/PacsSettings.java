package fr.relais.hospital;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The hospital's PACS as Relais queries it for priors (C-FIND at study level, C-MOVE to Relais):
 * its AE title (also the calling AE title of the images it sends back, which are priors, never new
 * exams), host and port; how many earlier studies to fetch at most, how many years back, and which:
 * those of the requested exam's body region (BODY_REGION, by their study description) or any.
 * No AE title: the hospital has no PACS to query.
 */
public record PacsSettings(
        @AeTitle String aeTitle,
        @Size(max = 253, message = "{hospital.pacs.host.invalid}")
        @Pattern(regexp = "^$|^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$", message = "{hospital.pacs.host.invalid}")
        String host,
        @Min(value = 1, message = "{hospital.pacs.port.range}") @Max(value = 65535, message = "{hospital.pacs.port.range}")
        Integer port,
        @Min(value = 1, message = "{hospital.pacs.maxPriors.range}") @Max(value = 20, message = "{hospital.pacs.maxPriors.range}")
        Integer maxPriors,
        @Min(value = 1, message = "{hospital.pacs.maxYears.range}") @Max(value = 50, message = "{hospital.pacs.maxYears.range}")
        Integer maxYears,
        @Pattern(regexp = "BODY_REGION|ANY", message = "{hospital.pacs.relevance.invalid}")
        String relevance) {

    public static final int DEFAULT_MAX_PRIORS = 3;
    public static final int DEFAULT_MAX_YEARS = 5;

    public PacsSettings {
        aeTitle = aeTitle == null || aeTitle.isBlank() ? null : aeTitle.strip().toUpperCase(java.util.Locale.ROOT);
        host = host == null || host.isBlank() ? null : host.strip();
        maxPriors = maxPriors == null ? DEFAULT_MAX_PRIORS : maxPriors;
        maxYears = maxYears == null ? DEFAULT_MAX_YEARS : maxYears;
        relevance = relevance == null || relevance.isBlank() ? "BODY_REGION" : relevance.strip();
    }

    /** No PACS: the form's empty section. */
    public static PacsSettings none() {
        return new PacsSettings(null, null, null, null, null, null);
    }

    public boolean configured() {
        return aeTitle != null;
    }

    /** An AE title needs its host and port; a host or port alone names no one. */
    @AssertTrue(message = "{hospital.pacs.incomplete}")
    public boolean isComplete() {
        return aeTitle == null ? host == null && port == null : host != null && port != null;
    }
}
