package fr.relais.ops;

import fr.relais.ops.Dashboard.Breakdown;
import fr.relais.ops.Dashboard.HourCount;
import fr.relais.ops.Dashboard.Turnaround;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChartsTest {

    @Test
    void theHourChartIsGraduatedInWholeExamsUpToARoundNumberAboveTheBusiestHour() {
        Charts.Chart chart = Charts.perHour(List.of(new HourCount("20h", 3, 1), new HourCount("21h", 7, 4)));
        assertThat(chart.max()).isEqualTo(10);
        assertThat(chart.ticks()).extracting(Charts.Tick::value).containsExactly("0", "5", "10");
        assertThat(chart.ticks().get(0).y()).isEqualTo(Charts.BASE);
        assertThat(chart.ticks().get(2).y()).isEqualTo(Charts.TOP);
        // Bars carry their values and start right of the vertical axis.
        assertThat(chart.bars()).extracting(Charts.Bar::value).containsExactly("3", "1", "7", "4");
        assertThat(chart.bars()).allMatch(b -> b.x() >= Charts.LEFT);
        // 7 exams of a 10-exam axis: 70 % of the plot's height.
        assertThat(chart.bars().get(2).height()).isEqualTo((Charts.BASE - Charts.TOP) * 0.7);
    }

    @Test
    void theTurnaroundChartIsInMinutesAndShowsEachMeanAsText() {
        Charts.Chart chart = Charts.turnaroundByClass(List.of(
                new Breakdown("VITAL", new Turnaround(2, 9.5, 9.0, 12.0)),
                new Breakdown("URGENT", new Turnaround(3, 16.25, 15.0, 31.0))));
        assertThat(chart.max()).isEqualTo(50);
        assertThat(chart.ticks()).extracting(Charts.Tick::value).containsExactly("0", "12,5", "25", "37,5", "50");
        assertThat(chart.bars()).extracting(Charts.Bar::value).containsExactly("9,5 min", "16,3 min");
    }

    @Test
    void roundNumbersForTheTopOfTheAxis() {
        assertThat(Charts.niceMax(0)).isEqualTo(1);
        assertThat(Charts.niceMax(1)).isEqualTo(1);
        assertThat(Charts.niceMax(13)).isEqualTo(20);
        assertThat(Charts.niceMax(20)).isEqualTo(20);
        assertThat(Charts.niceMax(42)).isEqualTo(50);
        assertThat(Charts.niceMax(51)).isEqualTo(100);
    }
}
