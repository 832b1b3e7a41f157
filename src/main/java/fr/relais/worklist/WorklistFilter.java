package fr.relais.worklist;

import fr.relais.platform.InvalidInputException;

import java.util.List;
import java.util.Locale;

/**
 * What a reader narrows the common worklist to: one hospital, one exam type, one deadline class;
 * null is "all". It only narrows: the hospitals a radiologist may read for still bound the query.
 */
public record WorklistFilter(Long hospitalId, String examTypeCode, PriorityClass priorityClass) {

    public static final WorklistFilter NONE = new WorklistFilter(null, null, null);

    /** One value a filter offers: what the query string carries, and what the reader sees. */
    public record Choice(String value, String label) {}

    /** The values offered to one reader: only the hospitals they see, the catalogue's exam types. */
    public record Choices(List<Choice> hospitals, List<Choice> examTypes, List<PriorityClass> classes) {}

    /**
     * From the query string as a person or a script wrote it (blank is "all"); a value that is
     * not a hospital id or a deadline class is refused with the field it came in.
     */
    public static WorklistFilter parse(String hospital, String examType, String priorityClass) {
        Long hospitalId = null;
        if (hospital != null && !hospital.isBlank()) {
            try {
                hospitalId = Long.parseLong(hospital.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("hospital", "worklist.filter.error.hospitalId",
                        "hospital is a hospital id (a number)", hospital.strip());
            }
        }
        PriorityClass cls = null;
        if (priorityClass != null && !priorityClass.isBlank()) {
            try {
                cls = PriorityClass.valueOf(priorityClass.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("class", "worklist.filter.error.class",
                        "class is one of VITAL, AI_POSITIVE, URGENT, DEFERRABLE", priorityClass.strip());
            }
        }
        String type = examType == null || examType.isBlank() ? null : examType.strip().toUpperCase(Locale.ROOT);
        return new WorklistFilter(hospitalId, type, cls);
    }

    public boolean active() {
        return hospitalId != null || examTypeCode != null || priorityClass != null;
    }
}
