package fr.relais.portal;

import fr.relais.request.ConsentStatus;
import fr.relais.request.NewRequest;
import fr.relais.request.Pregnancy;
import fr.relais.request.Urgency;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.format.annotation.DateTimeFormat;

import java.time.LocalDate;

/**
 * The request form of the hospital portal: {@link NewRequest} with a plain French message per
 * field. The rules that need the exam type (contrast, pregnancy, consent details) stay with the
 * service, whose refusals land on the same field names.
 */
public record RequestForm(
        @NotBlank(message = "{request.patientId.required}") @Size(max = 64, message = "{request.patientId.tooLong}")
        @Pattern(regexp = "[^\\\\\\p{Cntrl}]*", message = "{request.patientId.invalid}") String patientId,
        @NotBlank(message = "{request.familyName.required}") @Size(max = 64, message = "{request.familyName.tooLong}")
        String familyName,
        @NotBlank(message = "{request.givenName.required}") @Size(max = 64, message = "{request.givenName.tooLong}")
        String givenName,
        @NotNull(message = "{request.birthDate.required}") @Past(message = "{request.birthDate.past}")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate birthDate,
        @NotNull(message = "{request.sex.required}") @Pattern(regexp = "[MFO]", message = "{request.sex.required}")
        String sex,
        @NotBlank(message = "{request.examTypeCode.required}") @Size(max = 32, message = "{request.examTypeCode.required}")
        String examTypeCode,
        @NotBlank(message = "{request.clinicalContext.required}")
        @Size(max = 4000, message = "{request.clinicalContext.tooLong}") String clinicalContext,
        @NotBlank(message = "{request.question.required}") @Size(max = 2000, message = "{request.question.tooLong}")
        String question,
        @NotNull(message = "{request.urgency.required}") Urgency urgency,
        @Min(value = 1, message = "{request.creatinine.range}") @Max(value = 3000, message = "{request.creatinine.range}")
        Integer creatinineUmolPerL,
        Boolean contrastAllergy,
        Pregnancy pregnancy,
        @NotBlank(message = "{request.requestingPhysician.required}")
        @Size(max = 128, message = "{request.requestingPhysician.tooLong}") String requestingPhysician,
        @NotBlank(message = "{request.callbackPhone.required}")
        @Pattern(regexp = "[+0-9 ().-]{6,24}", message = "{request.callbackPhone.invalid}") String callbackPhone,
        @NotNull(message = "{request.consent.required}") ConsentStatus consent,
        @Size(max = 128, message = "{request.trustedPersonName.tooLong}") String trustedPersonName,
        @Size(max = 2000, message = "{request.consentJustification.tooLong}") String consentJustification) {

    public static RequestForm blank(String requestingPhysician) {
        return new RequestForm(null, null, null, null, null, null, null, null, null, null, null, null,
                requestingPhysician, null, null, null, null);
    }

    NewRequest toNewRequest() {
        return new NewRequest(trim(patientId), trim(familyName), trim(givenName), birthDate, sex, examTypeCode,
                trim(clinicalContext), trim(question), urgency, creatinineUmolPerL, contrastAllergy, pregnancy,
                trim(requestingPhysician), trim(callbackPhone), consent, blankToNull(trustedPersonName),
                blankToNull(consentJustification));
    }

    private static String trim(String value) {
        return value == null ? null : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
