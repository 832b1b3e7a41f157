package fr.relais.catalog;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * One exam of the emergency catalog with the CCAM act it is billed as and the reading time it
 * usually takes. The code is its stable key: requests and statistics refer to it.
 */
public record ExamType(
        @NotBlank(message = "{examType.code.required}")
        @Pattern(regexp = "^[A-Z0-9_]{2,32}$", message = "{examType.code.invalid}")
        String code,
        @NotBlank(message = "{examType.labelFr.required}")
        @Size(max = 200, message = "{examType.labelFr.tooLong}")
        String labelFr,
        @NotBlank(message = "{examType.bodyRegion.required}")
        @Pattern(regexp = "^[A-Z_]{2,32}$", message = "{examType.bodyRegion.invalid}")
        String bodyRegion,
        // Boxed so that an unticked box (no parameter at all) binds; absent means no contrast.
        Boolean contrast,
        @NotBlank(message = "{examType.ccamCode.required}")
        @Pattern(regexp = "^[A-Z]{4}[0-9]{3}$", message = "{examType.ccamCode.invalid}")
        String ccamCode,
        @NotNull(message = "{examType.readingMinutes.range}")
        @Min(value = 1, message = "{examType.readingMinutes.range}")
        @Max(value = 240, message = "{examType.readingMinutes.range}")
        Integer readingMinutes) {

    public ExamType {
        code = upper(code);
        contrast = Boolean.TRUE.equals(contrast);
        labelFr = labelFr == null ? null : labelFr.strip();
        bodyRegion = upper(bodyRegion);
        ccamCode = upper(ccamCode);
    }

    public static ExamType blank() {
        return new ExamType(null, null, null, false, null, null);
    }

    ExamType withCode(String newCode) {
        return new ExamType(newCode, labelFr, bodyRegion, contrast, ccamCode, readingMinutes);
    }

    private static String upper(String value) {
        return value == null ? null : value.strip().toUpperCase(java.util.Locale.ROOT);
    }
}
