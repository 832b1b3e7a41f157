package fr.relais.reading;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The clocks of the worklist pages as first rendered ({@code ${@readingClocks.since(instant)}});
 * static/js/worklist.js then ticks them every second in the same notation: [−]h:mm:ss.
 */
@Component("readingClocks")
public class ReadingClocks {

    private final Clock clock;

    ReadingClocks(Clock clock) {
        this.clock = clock;
    }

    /** How long since {@code at}: the waiting time. */
    public String since(Instant at) {
        return at == null ? "" : format(Duration.between(at, clock.instant()));
    }

    /** How long until {@code deadline}; negative when late. */
    public String until(Instant deadline) {
        return deadline == null ? "" : format(Duration.between(clock.instant(), deadline));
    }

    public boolean late(Instant deadline) {
        return deadline != null && deadline.isBefore(clock.instant());
    }

    static String format(Duration d) {
        long seconds = d.getSeconds();
        String sign = seconds < 0 ? "−" : "";
        seconds = Math.abs(seconds);
        return String.format("%s%d:%02d:%02d", sign, seconds / 3600, seconds % 3600 / 60, seconds % 60);
    }
}
