package fr.relais.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * relais.delivery.*: how often the outbox is looked at, the retry backoff (doubling from
 * first-retry up to max-retry), how long a send may take (a slow ACK must not look like a lost
 * one), how long a send may hold its row, and when a late delivery raises the alarm.
 */
@ConfigurationProperties("relais.delivery")
public record DeliverySettings(
        @DefaultValue("1s") Duration poll,
        @DefaultValue("5s") Duration firstRetry,
        @DefaultValue("10m") Duration maxRetry,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("5m") Duration alarmAfter,
        @DefaultValue("RELAIS") String sendingApplication,
        @DefaultValue("2") int senders) {

    /** The wait before attempt n+1 after n failed ones: first-retry × 2^(n-1), at most max-retry. */
    public Duration backoff(int failedAttempts) {
        if (failedAttempts <= 1) {
            return firstRetry;
        }
        Duration d = firstRetry.multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }
}
