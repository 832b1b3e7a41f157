package fr.relais.request;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Who a study or a request names: patient ID, name, birth date, sex. Names compare tolerantly
 * (case, accents, word order, the DICOM {@code ^} separators and punctuation: "MARTIN^Jeanne" is
 * "Jeanne Martin"); the birth date and the sex compare strictly, and a missing value is a
 * difference (identity is checked, never assumed).
 */
public record PatientIdentity(String patientId, String name, LocalDate birthDate, String sex) {

    /** The sealing purposes of a study's header identity (the index seals, the matcher opens). */
    public static final String NAME_PURPOSE = "patient.name";
    public static final String BIRTH_DATE_PURPOSE = "patient.birth_date";
    /** The fingerprint purpose of {@link #consistencyKey()}: priors share it. */
    public static final String IDENTITY_PURPOSE = "study.identity";

    /** The index's key of a patient sent without an ID: never merged with anyone, never shown as an ID. */
    public static final String NO_ID_PREFIX = "NOID:";

    /** The patient ID a header gave, from the index's patient key (null when the header had none). */
    public static String headerPatientId(String patientKey) {
        return patientKey == null || patientKey.startsWith(NO_ID_PREFIX) ? null : patientKey;
    }

    /** What differs, by field name (patientId, name, birthDate, sex); empty when the two agree. */
    public List<String> differencesFrom(PatientIdentity other) {
        List<String> differences = new ArrayList<>();
        if (blank(patientId) || !patientId.trim().equalsIgnoreCase(blankToEmpty(other.patientId).trim())) {
            differences.add("patientId");
        }
        String mine = normalisedName(name);
        if (mine.isEmpty() || !mine.equals(normalisedName(other.name))) {
            differences.add("name");
        }
        if (birthDate == null || !birthDate.equals(other.birthDate)) {
            differences.add("birthDate");
        }
        if (blank(sex) || !sex.equals(other.sex)) {
            differences.add("sex");
        }
        return differences;
    }

    /** Name, birth date and sex, normalised: equal for the same person however the name was typed. */
    public String consistencyKey() {
        return normalisedName(name) + "|" + birthDate + "|" + (sex == null ? "" : sex);
    }

    /** The name for a person to read: the DICOM separators as spaces. */
    public String displayName() {
        return name == null ? null : name.replace('^', ' ').replaceAll("\\s+", " ").trim();
    }

    /** A header's birth date (DICOM DA, YYYYMMDD); null when absent or malformed. */
    public static LocalDate dicomDate(String value) {
        try {
            return value == null || value.length() != 8 ? null : LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Upper case, without accents, words sorted: "Müller^Anne-Marie" and "ANNE MARIE MULLER" agree. */
    static String normalisedName(String name) {
        if (name == null) {
            return "";
        }
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", " ").trim();
        return plain.isEmpty() ? "" : Arrays.stream(plain.split(" ")).sorted().collect(Collectors.joining(" "));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s;
    }
}
