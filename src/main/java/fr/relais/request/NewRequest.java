package fr.relais.request;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.LocalDate;

/**
 * What an emergency physician files. Every field a radiologist needs is mandatory; creatinine and
 * allergy when the exam uses contrast, pregnancy for women of child-bearing age, the consent's
 * details by its status: those are checked by {@link RequestService}, which knows the exam type.
 */
public record NewRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[^\\\\\\p{Cntrl}]*") String patientId,
        @NotBlank @Size(max = 64) String familyName,
        @NotBlank @Size(max = 64) String givenName,
        @NotNull @Past LocalDate birthDate,
        @NotNull @Pattern(regexp = "[MFO]") String sex,
        @NotBlank @Size(max = 32) String examTypeCode,
        @NotBlank @Size(max = 4000) String clinicalContext,
        @NotBlank @Size(max = 2000) String question,
        @NotNull Urgency urgency,
        Integer creatinineUmolPerL,
        Boolean contrastAllergy,
        Pregnancy pregnancy,
        @NotBlank @Size(max = 128) String requestingPhysician,
        @NotBlank @Pattern(regexp = "[+0-9 ().-]{6,24}") String callbackPhone,
        @NotNull ConsentStatus consent,
        @Size(max = 128) String trustedPersonName,
        @Size(max = 2000) String consentJustification) {
}
