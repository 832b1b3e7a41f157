package fr.relais.prior;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which earlier studies are kept beside the requested exam, by body region. */
class PriorRelevanceTest {

    @Test
    void aHeadExamKeepsHeadStudiesWhateverTheirLanguageAndLeavesOutTheThorax() {
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD", "CT HEAD WITHOUT CONTRAST")).isTrue();
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD", "Scanner cérébral")).isTrue();
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD", "TDM CRANE")).isTrue();
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD", "SCANNER THORAX")).isFalse();
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD", "Angioscanner embolie pulmonaire")).isFalse();
    }

    @Test
    void aStudyThatNamesNoRegionIsKeptForTheRadiologistToJudge() {
        assertThat(PriorRelevance.relevant("BODY_REGION", "THORAX", "")).isTrue();
        assertThat(PriorRelevance.relevant("BODY_REGION", "THORAX", "URGENCES")).isTrue();
    }

    @Test
    void combinedExamsCoverTheirRegionsAndAnyKeepsEverything() {
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD_THORAX", "SCANNER THORAX")).isTrue();
        assertThat(PriorRelevance.relevant("BODY_REGION", "HEAD_THORAX", "ABDOMEN PELVIS")).isFalse();
        assertThat(PriorRelevance.relevant("BODY_REGION", "WHOLE_BODY", "RACHIS LOMBAIRE")).isTrue();
        assertThat(PriorRelevance.relevant("ANY", "HEAD", "SCANNER THORAX")).isTrue();
    }

    @Test
    void aShortWordMatchesWholeNotInsideAnother() {
        // "COU" (neck) is not "COUDE" (elbow), nor inside "COUPES".
        assertThat(PriorRelevance.regionsOf("SCANNER COU")).containsExactly("NECK");
        assertThat(PriorRelevance.regionsOf("COUPES FINES")).isEmpty();
    }
}
