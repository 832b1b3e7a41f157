package fr.relais.ops;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class OpsSettingsTest {

    private final OpsSettings settings = new OpsSettings(LocalTime.of(20, 0), Duration.ofSeconds(15),
            Duration.ofHours(2), Duration.ofDays(7), 5, null, Duration.ofSeconds(10));
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void tonightBeganAtTheLatestEightPmOfTheNetworksZone() {
        // 03:00 in Paris (winter, UTC+1): since 20:00 the evening before.
        assertThat(settings.tonightSince(Instant.parse("2026-01-16T02:00:00Z"), PARIS)).isEqualTo(Instant.parse("2026-01-15T19:00:00Z"));
        // 10:00 the next morning: still the night that began at 20:00 the day before.
        assertThat(settings.tonightSince(Instant.parse("2026-01-16T09:00:00Z"), PARIS)).isEqualTo(Instant.parse("2026-01-15T19:00:00Z"));
        // 21:30 in Paris: since 20:00 today.
        assertThat(settings.tonightSince(Instant.parse("2026-01-16T20:30:00Z"), PARIS)).isEqualTo(Instant.parse("2026-01-16T19:00:00Z"));
    }
}
