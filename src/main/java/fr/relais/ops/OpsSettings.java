package fr.relais.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * relais.ops.*: when "tonight" begins (the latest {@code night-starts-at} on the reading centers'
 * clock, relais.zone: at 03:00 and at 10:00 tonight is since 20:00 yesterday), and how long
 * Prometheus gauges reuse one reading of the figures. Alerts: a hospital that sent at least {@code intake-usual-studies}
 * studies over {@code intake-lookback} is silent when nothing came for {@code intake-silence};
 * each alert raised is posted as JSON to {@code alert-webhook} (none: the page only).
 */
@ConfigurationProperties("relais.ops")
record OpsSettings(
        @DefaultValue("20:00") LocalTime nightStartsAt,
        @DefaultValue("15s") Duration metricsCache,
        @DefaultValue("2h") Duration intakeSilence,
        @DefaultValue("7d") Duration intakeLookback,
        @DefaultValue("5") int intakeUsualStudies,
        URI alertWebhook,
        @DefaultValue("10s") Duration alertWebhookTimeout) {

    Instant tonightSince(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime start = local.with(nightStartsAt);
        return (start.isAfter(local) ? start.minusDays(1) : start).toInstant();
    }
}
