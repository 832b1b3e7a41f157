package fr.relais.billing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The time modifiers at their edges, on the hospital's clock. */
class CcamModifierTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId REUNION = ZoneId.of("Indian/Reunion");
    private static final ZoneId CAYENNE = ZoneId.of("America/Cayenne");

    private static String modifier(String localDateTime, ZoneId zone) {
        Instant at = LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
        return CcamModifier.of(at, zone, true).map(Enum::name).orElse("");
    }

    private static String modifierAt(String instant, ZoneId zone) {
        return CcamModifier.of(Instant.parse(instant), zone, true).map(Enum::name).orElse("");
    }

    @ParameterizedTest(name = "{0} Paris time gives \"{1}\"")
    @CsvSource({
            // a Wednesday: the night starts at 20:00 and ends at 08:00
            "2026-11-25T19:59:59, ''",
            "2026-11-25T20:00:00, U",
            "2026-11-25T23:59:59, U",
            "2026-11-26T00:00:00, U",
            "2026-11-26T07:59:59, U",
            "2026-11-26T08:00:00, ''",
            "2026-11-26T12:00:00, ''",
            // Saturday is a working day for the modifiers: U at night only
            "2026-11-28T14:00:00, ''",
            "2026-11-28T23:00:00, U",
            // Sunday: F all day long, at night too (never U and F together)
            "2026-11-29T00:00:00, F",
            "2026-11-29T03:00:00, F",
            "2026-11-29T12:00:00, F",
            "2026-11-29T23:59:59, F",
            // the Monday after: back to U before 08:00
            "2026-11-30T07:59:59, U",
            "2026-11-30T08:00:00, ''",
    })
    void theNightAndSundayEdges(String local, String expected) {
        assertThat(modifier(local, PARIS)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is a holiday: F at {1}")
    @CsvSource({
            "2026-04-06, lundi de Pâques",
            "2026-05-14, Ascension",
            "2026-05-25, lundi de Pentecôte",
            "2026-01-01, jour de l'an",
            "2026-05-01, fête du Travail",
            "2026-05-08, Victoire 1945",
            "2026-07-14, fête nationale",
            "2026-08-15, Assomption",
            "2026-11-01, Toussaint",
            "2026-11-11, Armistice",
            "2026-12-25, Noël",
            "2027-03-29, lundi de Pâques 2027",
            "2027-05-06, Ascension 2027",
            "2027-05-17, lundi de Pentecôte 2027",
    })
    void publicHolidaysGiveFAtAnyHour(LocalDate day, String name) {
        assertThat(FrenchHolidays.isHoliday(day)).as(name).isTrue();
        for (String time : new String[] {"T00:30:00", "T07:59:59", "T08:00:00", "T12:00:00", "T19:59:59", "T20:00:00", "T23:30:00"}) {
            assertThat(modifier(day + time, PARIS)).as(name + time).isEqualTo("F");
        }
    }

    @Test
    void theDaysAroundAHolidayAreOrdinary() {
        // Ascension 2026 is Thursday 14 May: the Wednesday evening is U, the Friday afternoon nothing
        assertThat(modifier("2026-05-13T22:00:00", PARIS)).isEqualTo("U");
        assertThat(modifier("2026-05-15T07:00:00", PARIS)).isEqualTo("U");
        assertThat(modifier("2026-05-15T15:00:00", PARIS)).isEqualTo("");
        // Easter Sunday is a Sunday; Good Friday and 26 December are not national holidays
        assertThat(FrenchHolidays.easterSunday(2026)).isEqualTo(LocalDate.of(2026, 4, 5));
        assertThat(FrenchHolidays.easterSunday(2027)).isEqualTo(LocalDate.of(2027, 3, 28));
        assertThat(FrenchHolidays.easterSunday(2038)).isEqualTo(LocalDate.of(2038, 4, 25));
        assertThat(FrenchHolidays.isHoliday(LocalDate.of(2026, 4, 3))).isFalse();
        assertThat(FrenchHolidays.isHoliday(LocalDate.of(2026, 12, 26))).isFalse();
        assertThat(FrenchHolidays.isHoliday(LocalDate.of(2026, 4, 7))).isFalse();
    }

    @Test
    void theNightSummerTimeStarts() {
        // Saturday 28 March 2026, winter time (UTC+1): 20:00 Paris is 19:00 UTC
        assertThat(modifierAt("2026-03-28T18:59:59Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-03-28T19:00:00Z", PARIS)).isEqualTo("U");
        // at 02:00 on Sunday 29 March the clocks jump to 03:00: Sunday, F on both sides of the jump
        assertThat(modifierAt("2026-03-29T00:59:59Z", PARIS)).isEqualTo("F");
        assertThat(modifierAt("2026-03-29T01:00:00Z", PARIS)).isEqualTo("F");
        // Monday 30 March, summer time (UTC+2): 08:00 Paris is 06:00 UTC
        assertThat(modifierAt("2026-03-30T05:59:59Z", PARIS)).isEqualTo("U");
        assertThat(modifierAt("2026-03-30T06:00:00Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-03-30T17:59:59Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-03-30T18:00:00Z", PARIS)).isEqualTo("U");
    }

    @Test
    void theNightSummerTimeEnds() {
        // Saturday 24 October 2026, still summer time: 20:00 Paris is 18:00 UTC
        assertThat(modifierAt("2026-10-24T17:59:59Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-10-24T18:00:00Z", PARIS)).isEqualTo("U");
        assertThat(modifierAt("2026-10-24T21:59:59Z", PARIS)).isEqualTo("U");
        // Sunday 25 October: 02:30 happens twice (00:30 and 01:30 UTC), F both times
        assertThat(modifierAt("2026-10-25T00:30:00Z", PARIS)).isEqualTo("F");
        assertThat(modifierAt("2026-10-25T01:30:00Z", PARIS)).isEqualTo("F");
        // Monday 26 October, winter time: 08:00 Paris is 07:00 UTC
        assertThat(modifierAt("2026-10-26T06:59:59Z", PARIS)).isEqualTo("U");
        assertThat(modifierAt("2026-10-26T07:00:00Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-10-26T18:59:59Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-10-26T19:00:00Z", PARIS)).isEqualTo("U");
    }

    @Test
    void theHospitalsZoneDecidesNotParis() {
        // Friday 27 November 2026 16:30 UTC: 17:30 in Paris, 20:30 in Réunion (UTC+4)
        assertThat(modifierAt("2026-11-27T16:30:00Z", PARIS)).isEqualTo("");
        assertThat(modifierAt("2026-11-27T16:30:00Z", REUNION)).isEqualTo("U");
        // Friday 04:30 UTC: 05:30 in Paris (night) but 08:30 in Réunion (day)
        assertThat(modifierAt("2026-11-27T04:30:00Z", PARIS)).isEqualTo("U");
        assertThat(modifierAt("2026-11-27T04:30:00Z", REUNION)).isEqualTo("");
        // Sunday 29 November 02:00 UTC: Sunday 03:00 in Paris, still Saturday 23:00 in Cayenne (UTC-3)
        assertThat(modifierAt("2026-11-29T02:00:00Z", PARIS)).isEqualTo("F");
        assertThat(modifierAt("2026-11-29T02:00:00Z", CAYENNE)).isEqualTo("U");
        // 14 July 23:30 in Cayenne is 15 July 02:30 UTC: a holiday there, an ordinary Wednesday night in Paris
        assertThat(modifierAt("2026-07-15T02:30:00Z", CAYENNE)).isEqualTo("F");
        assertThat(modifierAt("2026-07-15T02:30:00Z", PARIS)).isEqualTo("U");
    }

    @Test
    void anActThatIsNotUrgentHasNoModifier() {
        assertThat(CcamModifier.of(Instant.parse("2026-11-29T02:00:00Z"), PARIS, false)).isEmpty();
        assertThat(CcamModifier.of(Instant.parse("2026-11-25T22:00:00Z"), PARIS, false)).isEmpty();
    }
}
