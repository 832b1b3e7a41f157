package fr.relais.hospital;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A client hospital as the administrator describes it, from the API or the form. The compact
 * constructor normalizes (defaults, upper-case AE titles without the spaces DICOM ignores, blank
 * form lines dropped) so that validation and storage see the same values.
 */
public record HospitalRequest(
        @NotBlank(message = "{hospital.name.required}")
        @Size(max = 200, message = "{hospital.name.tooLong}")
        String name,
        @NotBlank(message = "{hospital.finess.required}")
        @Pattern(regexp = "^[0-9][0-9AB][0-9]{7}$", message = "{hospital.finess.invalid}")
        String finess,
        @TimeZoneId
        String timeZone,
        @Min(value = 1, message = "{hospital.retentionDays.range}")
        @Max(value = 3650, message = "{hospital.retentionDays.range}")
        Integer retentionDays,
        @NotEmpty(message = "{hospital.aeTitles.required}")
        @Size(max = 32, message = "{hospital.aeTitles.tooMany}")
        List<@AeTitle String> aeTitles) {

    public static final String DEFAULT_TIME_ZONE = "Europe/Paris";
    public static final int DEFAULT_RETENTION_DAYS = 90;

    public HospitalRequest {
        name = name == null ? null : name.strip();
        finess = finess == null ? null : upperAscii(finess.strip());
        timeZone = timeZone == null || timeZone.isBlank() ? DEFAULT_TIME_ZONE : timeZone.strip();
        retentionDays = retentionDays == null ? DEFAULT_RETENTION_DAYS : retentionDays;
        Set<String> titles = new LinkedHashSet<>();
        if (aeTitles != null) {
            for (String title : aeTitles) {
                if (title != null && !title.isBlank()) {
                    titles.add(upperAscii(title.strip()));
                }
            }
        }
        aeTitles = List.copyOf(titles);
    }

    /** An empty form with the defaults filled in. */
    public static HospitalRequest blank() {
        return new HospitalRequest(null, null, null, null, null);
    }

    /** The AE title lines of the form: the titles, then empty lines to add more (three lines at least). */
    public List<String> formLines() {
        List<String> lines = new java.util.ArrayList<>(aeTitles);
        do {
            lines.add("");
        } while (lines.size() < 3);
        return lines;
    }

    static HospitalRequest of(Hospital hospital) {
        return new HospitalRequest(hospital.name(), hospital.finess(), hospital.timeZone(),
                hospital.retentionDays(), hospital.aeTitles());
    }

    /** Only a-z: upper-casing "ß" or "ﬁ" would turn a refused character into valid ASCII. */
    private static String upperAscii(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            out.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return out.toString();
    }
}
