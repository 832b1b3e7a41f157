package fr.relais.ai;

import fr.relais.platform.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The validation set as operators keep it: a CSV, from a script or a French spreadsheet. */
class AiThresholdsCsvTest {

    @Test
    void headerCommentsBlankLinesBomAndTheFrenchSpreadsheetWayAreRead() {
        List<AiThresholds.Labelled> cases = AiThresholds.parseCsv("\uFEFFscore,label\r\n# night of 12/11\r\n0.5,1\r\n\r\n0.25,NEGATIVE\r\n");
        assertThat(cases).containsExactly(new AiThresholds.Labelled(0.5, true), new AiThresholds.Labelled(0.25, false));
        assertThat(AiThresholds.parseCsv("\"score\";\"label\"\n0,75;oui\n1,5;non\n"))
                .containsExactly(new AiThresholds.Labelled(0.75, true), new AiThresholds.Labelled(1.5, false));
    }

    @Test
    void aBadLineIsNamedWithWhatIsWrongWithIt() {
        assertThatThrownBy(() -> AiThresholds.parseCsv("0.5,1\n0.7\n")).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo("ai.threshold.csv.cells"))
                .satisfies(e -> assertThat(((InvalidInputException) e).getArguments()).containsExactly(2, 1));
        assertThatThrownBy(() -> AiThresholds.parseCsv("score,label\n0.5,1\nNaN,0\n"))
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo("ai.threshold.csv.score"))
                .satisfies(e -> assertThat(((InvalidInputException) e).getArguments()).containsExactly(3, "NaN"));
        assertThatThrownBy(() -> AiThresholds.parseCsv("0.5,maybe\n"))
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo("ai.threshold.csv.label"));
        assertThatThrownBy(() -> AiThresholds.parseCsv("score,label\n\n"))
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo("ai.threshold.csvEmpty"));
    }
}
