package fr.relais.roster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;

import static org.assertj.core.api.Assertions.assertThat;

/** A night's start and end on the center's clock, across the changes of time. */
class NightHoursTest {

    private static final NightHours PARIS = new NightHours("Europe/Paris", LocalTime.of(20, 0), LocalTime.of(8, 0));

    @Test
    void theNightSummerTimeStartsIsAnHourShorter() {
        LocalDate night = LocalDate.of(2026, 3, 28);
        assertThat(PARIS.start(night).toInstant()).isEqualTo(Instant.parse("2026-03-28T19:00:00Z"));
        assertThat(PARIS.end(night).toInstant()).isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
        assertThat(Duration.between(PARIS.start(night), PARIS.end(night))).isEqualTo(Duration.ofHours(11));
    }

    @Test
    void theNightSummerTimeEndsIsAnHourLonger() {
        LocalDate night = LocalDate.of(2026, 10, 24);
        assertThat(PARIS.start(night).toInstant()).isEqualTo(Instant.parse("2026-10-24T18:00:00Z"));
        assertThat(PARIS.end(night).toInstant()).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
        assertThat(Duration.between(PARIS.start(night), PARIS.end(night))).isEqualTo(Duration.ofHours(13));
    }

    @Test
    void anotherZoneAndHoursWithinOneDay() {
        NightHours reunion = new NightHours("Indian/Reunion", LocalTime.of(19, 0), LocalTime.of(7, 0));
        assertThat(reunion.start(LocalDate.of(2026, 12, 5)).toInstant()).isEqualTo(Instant.parse("2026-12-05T15:00:00Z"));
        assertThat(reunion.end(LocalDate.of(2026, 12, 5)).toInstant()).isEqualTo(Instant.parse("2026-12-06T03:00:00Z"));
        NightHours day = new NightHours("Europe/Paris", LocalTime.of(8, 0), LocalTime.of(20, 0));
        assertThat(day.end(LocalDate.of(2026, 12, 5)).toLocalDate()).isEqualTo(LocalDate.of(2026, 12, 5));
    }
}
