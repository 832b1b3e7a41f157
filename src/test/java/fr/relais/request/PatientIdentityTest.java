package fr.relais.request;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class PatientIdentityTest {

    private static final LocalDate BORN = LocalDate.of(1941, 2, 3);

    private static PatientIdentity request(String name) {
        return new PatientIdentity("IPP-1", name, BORN, "F");
    }

    @Test
    void namesAgreeWhateverTheCaseAccentsOrderAndSeparators() {
        PatientIdentity asked = request("MARTIN Jeanne");
        assertThat(new PatientIdentity("IPP-1", "MARTIN^JEANNE", BORN, "F").differencesFrom(asked)).isEmpty();
        assertThat(new PatientIdentity("IPP-1", "Jeanne^Martin", BORN, "F").differencesFrom(asked)).isEmpty();
        assertThat(new PatientIdentity("ipp-1", "martin^jeanne^^^", BORN, "F").differencesFrom(asked)).isEmpty();
        assertThat(new PatientIdentity("IPP-1", "MÜLLER^Anne-Marie", BORN, "F")
                .differencesFrom(request("Anne Marie Muller"))).isEmpty();
        assertThat(new PatientIdentity("IPP-1", "LEFÈVRE^Hélène", BORN, "F")
                .differencesFrom(request("LEFEVRE Helene"))).isEmpty();
    }

    @Test
    void rouxAlainIsNotMartinJeanneOnAnyField() {
        PatientIdentity roux = new PatientIdentity("IPP-9", "ROUX^ALAIN", LocalDate.of(2008, 5, 12), "M");
        assertThat(roux.differencesFrom(request("MARTIN Jeanne"))).containsExactly("patientId", "name", "birthDate", "sex");
    }

    @Test
    void birthDateAndSexAreStrictAndAMissingValueIsADifference() {
        PatientIdentity asked = request("MARTIN Jeanne");
        assertThat(new PatientIdentity("IPP-1", "MARTIN^Jeanne", BORN.plusDays(1), "F").differencesFrom(asked))
                .containsExactly("birthDate");
        assertThat(new PatientIdentity("IPP-1", "MARTIN^Jeanne", BORN, "O").differencesFrom(asked)).containsExactly("sex");
        assertThat(new PatientIdentity(null, null, null, null).differencesFrom(asked))
                .containsExactly("patientId", "name", "birthDate", "sex");
        assertThat(new PatientIdentity("IPP-1", "MARTIN^Jean", BORN, "F").differencesFrom(asked)).containsExactly("name");
    }

    @Test
    void theConsistencyKeyIsTheSameForTheSamePersonTypedDifferently() {
        assertThat(new PatientIdentity("A", "Dupont^MARIE", BORN, "F").consistencyKey())
                .isEqualTo(new PatientIdentity("B", "DUPONT^Marie", BORN, "F").consistencyKey())
                .isNotEqualTo(new PatientIdentity("A", "LEROY^Paul", BORN, "F").consistencyKey());
    }
}
