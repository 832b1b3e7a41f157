package fr.relais.prior;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether an earlier study is worth showing beside the requested exam: one of the same body
 * region, as its study description says it (in French or English, as PACS write them). A study
 * whose description names no region is kept (it may be relevant; the radiologist judges), a study
 * of another region is not. A pure function, tested on its own.
 */
final class PriorRelevance {

    /** Words of a study description that name a body region (accents and case folded). */
    private static final Map<String, List<String>> WORDS = Map.of(
            "HEAD", List.of("CRANE", "CRAN", "CEREBR", "ENCEPHAL", "TETE", "HEAD", "BRAIN", "SKULL", "CRANI"),
            "NECK", List.of("COU", "CERVICAL", "NECK", "TSA", "CAROTID"),
            "THORAX", List.of("THORA", "CHEST", "PULMON", "POUMON", "LUNG", "EMBOLIE"),
            "ABDOMEN_PELVIS", List.of("ABDO", "PELVI", "ABDOMEN", "FOIE", "LIVER", "RENAL", "REIN", "URO"),
            "SPINE", List.of("RACHIS", "SPINE", "LOMBAIRE", "DORSAL", "VERTEBR", "LUMBAR"));

    /** Regions an exam covers beside its own name. */
    private static final Map<String, Set<String>> COVERS = Map.of(
            "HEAD_THORAX", Set.of("HEAD", "THORAX"),
            "WHOLE_BODY", WORDS.keySet());

    private PriorRelevance() {}

    /** relevance ANY keeps every study; BODY_REGION those of the exam's region or of no named region. */
    static boolean relevant(String relevance, String examBodyRegion, String description) {
        if (!"BODY_REGION".equals(relevance) || examBodyRegion == null) {
            return true;
        }
        Set<String> wanted = COVERS.getOrDefault(examBodyRegion, Set.of(examBodyRegion));
        Set<String> named = regionsOf(description);
        return named.isEmpty() || named.stream().anyMatch(wanted::contains);
    }

    static Set<String> regionsOf(String description) {
        if (description == null || description.isBlank()) {
            return Set.of();
        }
        String text = Normalizer.normalize(description, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toUpperCase(Locale.ROOT);
        String[] words = text.split("[^A-Z0-9]+");
        java.util.Set<String> found = new java.util.HashSet<>();
        for (Map.Entry<String, List<String>> region : WORDS.entrySet()) {
            for (String word : words) {
                if (!word.isEmpty() && region.getValue().stream().anyMatch(stem -> stem.length() <= 3 ? word.equals(stem)
                        : word.startsWith(stem))) {
                    found.add(region.getKey());
                }
            }
        }
        return found;
    }
}
