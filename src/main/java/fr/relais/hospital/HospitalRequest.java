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
 * form lines dropped, fingerprints as 64 upper-case hex digits, subjects in RFC 2253, networks as
 * PostgreSQL prints them) so that validation and storage see the same values.
 *
 * <p>What identifies the hospital on the network beside its AE titles (the client certificates it
 * may show on the DICOM TLS port, the networks it may call from): a list left out (null) keeps
 * what is registered when a hospital is updated, an empty list clears it.
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
        List<@AeTitle String> aeTitles,
        @Size(max = 32, message = "{hospital.certificates.tooMany}")
        List<@CallerIdentity(CallerIdentity.Kind.FINGERPRINT) String> certificateFingerprints,
        @Size(max = 32, message = "{hospital.certificates.tooMany}")
        List<@CallerIdentity(CallerIdentity.Kind.SUBJECT) String> certificateSubjects,
        @Size(max = 64, message = "{hospital.networks.tooMany}")
        List<@CallerIdentity(CallerIdentity.Kind.NETWORK) String> networks,
        @jakarta.validation.Valid
        PacsSettings pacs) {

    public static final int DEFAULT_RETENTION_DAYS = 90;

    public HospitalRequest {
        name = name == null ? null : name.strip();
        finess = finess == null ? null : upperAscii(finess.strip());
        // None given: the reading centers' zone, which HospitalService knows.
        timeZone = timeZone == null || timeZone.isBlank() ? null : timeZone.strip();
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
        certificateFingerprints = normalized(certificateFingerprints, CertificateIdentity::fingerprint);
        certificateSubjects = normalized(certificateSubjects, CertificateIdentity::subject);
        networks = normalized(networks, HospitalRequest::network);
    }

    /** The PACS left out (null): kept as registered on an update, none on a creation. */
    public HospitalRequest(String name, String finess, String timeZone, Integer retentionDays, List<String> aeTitles,
                           List<String> certificateFingerprints, List<String> certificateSubjects, List<String> networks) {
        this(name, finess, timeZone, retentionDays, aeTitles, certificateFingerprints, certificateSubjects, networks, null);
    }

    /** The form's PACS section: the registered one, or an empty one. */
    public PacsSettings pacsForm() {
        return pacs == null ? PacsSettings.none() : pacs;
    }

    /** The hospital as before, on the plain port from anywhere and with no certificate registered. */
    public HospitalRequest(String name, String finess, String timeZone, Integer retentionDays, List<String> aeTitles) {
        this(name, finess, timeZone, retentionDays, aeTitles, null, null, null);
    }

    /** Blank lines dropped, repeats folded, valid values in their stored form, invalid ones as typed. */
    private static List<String> normalized(List<String> values, java.util.function.UnaryOperator<String> form) {
        if (values == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                String normal = form.apply(value);
                out.add(normal != null ? normal : value.strip());
            }
        }
        return List.copyOf(out);
    }

    private static String network(String value) {
        try {
            return Cidr.parse(value).toString();
        } catch (IllegalArgumentException invalid) {
            return null;
        }
    }

    /** The certificate fingerprint lines of the form (two at least, one empty to add another). */
    public List<String> fingerprintLines() {
        return lines(certificateFingerprints);
    }

    public List<String> subjectLines() {
        return lines(certificateSubjects);
    }

    public List<String> networkLines() {
        return lines(networks);
    }

    /**
     * Never a single line: a single value would be split at its commas on binding (a subject has
     * commas), two or more are taken as they are.
     */
    private static List<String> lines(List<String> values) {
        List<String> lines = new java.util.ArrayList<>(values == null ? List.of() : values);
        do {
            lines.add("");
        } while (lines.size() < 2);
        return lines;
    }

    /** An empty form with the defaults filled in. */
    public static HospitalRequest blank() {
        return new HospitalRequest(null, null, null, null, null, List.of(), List.of(), List.of(), PacsSettings.none());
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
                hospital.retentionDays(), hospital.aeTitles(), hospital.certificateFingerprints(),
                hospital.certificateSubjects(), hospital.networks(),
                hospital.pacs() == null ? PacsSettings.none() : hospital.pacs());
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
