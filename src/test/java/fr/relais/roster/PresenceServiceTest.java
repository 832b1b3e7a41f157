package fr.relais.roster;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceServiceTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void theNightShiftEndsAtEightInTheMorningParisTime() {
        // 23:30 in Paris in winter (UTC+1): tomorrow 08:00.
        assertThat(PresenceService.defaultShiftEnd(Instant.parse("2026-11-27T22:30:00Z"), PARIS))
                .isEqualTo(Instant.parse("2026-11-28T07:00:00Z"));
        // 03:00 in Paris: this morning 08:00.
        assertThat(PresenceService.defaultShiftEnd(Instant.parse("2026-11-28T02:00:00Z"), PARIS))
                .isEqualTo(Instant.parse("2026-11-28T07:00:00Z"));
        // 08:00 sharp: the night is over, the next one ends tomorrow.
        assertThat(PresenceService.defaultShiftEnd(Instant.parse("2026-11-28T07:00:00Z"), PARIS))
                .isEqualTo(Instant.parse("2026-11-29T07:00:00Z"));
        // Summer time (UTC+2): 21:00 in Paris, next day 08:00 = 06:00 UTC.
        assertThat(PresenceService.defaultShiftEnd(Instant.parse("2026-07-14T19:00:00Z"), PARIS))
                .isEqualTo(Instant.parse("2026-07-15T06:00:00Z"));
    }
}
