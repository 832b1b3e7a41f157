package fr.relais.sim;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** A plausible, entirely made-up patient and order, drawn from a seeded random source. ASCII only. */
record SyntheticPatient(String id, String name, LocalDate birthDate, String sex, String accession,
                        String referringPhysician) {

    private static final List<String> FAMILY_NAMES = List.of(
            "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
            "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER",
            "MOREL", "GIRARD", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS");
    private static final List<String> FEMALE_NAMES = List.of(
            "MARIE", "JEANNE", "FRANCOISE", "MONIQUE", "CATHERINE", "NATHALIE", "ISABELLE", "SYLVIE", "SOPHIE",
            "CAMILLE", "LEA", "CHLOE", "MANON", "INES", "SARAH");
    private static final List<String> MALE_NAMES = List.of(
            "JEAN", "PIERRE", "MICHEL", "ANDRE", "PHILIPPE", "ALAIN", "BERNARD", "NICOLAS", "CHRISTOPHE", "LUCAS",
            "HUGO", "THOMAS", "ANTOINE", "LOUIS", "PAUL");

    static SyntheticPatient from(SplittableRandom r, LocalDate studyDate) {
        String sex = r.nextBoolean() ? "F" : "M";
        String given = pick(r, sex.equals("F") ? FEMALE_NAMES : MALE_NAMES);
        String family = pick(r, FAMILY_NAMES);
        // Emergency head CT skews old: ages 18 to 95.
        LocalDate birth = studyDate.minusYears(18 + r.nextInt(78)).minusDays(r.nextInt(365));
        String id = String.format(Locale.ROOT, "SIM%07d", r.nextInt(10_000_000));
        String accession = String.format(Locale.ROOT, "SA%010d", r.nextLong(10_000_000_000L));
        String referring = pick(r, FAMILY_NAMES) + "^" + pick(r, r.nextBoolean() ? FEMALE_NAMES : MALE_NAMES);
        return new SyntheticPatient(id, family + "^" + given, birth, sex, accession, referring);
    }

    private static String pick(SplittableRandom r, List<String> names) {
        return names.get(r.nextInt(names.size()));
    }
}
