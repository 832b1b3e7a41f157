package fr.relais.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * The dashboard's figures as Prometheus gauges ({@code relais_queue_*}, {@code relais_tonight_*},
 * {@code relais_radiologists_*}). One scrape reads every gauge: they share a reading of the
 * figures, kept for {@code relais.ops.metrics-cache}.
 */
@Component
class DashboardMetrics {

    private final DashboardService dashboards;
    private final OpsSettings settings;
    private final Clock clock;
    private Dashboard cached;
    private Instant cachedAt = Instant.MIN;

    DashboardMetrics(DashboardService dashboards, OpsSettings settings, Clock clock, MeterRegistry registry) {
        this.dashboards = dashboards;
        this.settings = settings;
        this.clock = clock;
        for (String c : new String[] {"VITAL", "AI_POSITIVE", "URGENT", "DEFERRABLE"}) {
            gauge(registry, "relais.queue.waiting", "READY exams waiting in the common worklist", "class", c,
                    d -> line(d, c).waiting());
            gauge(registry, "relais.queue.oldest.wait.minutes", "longest wait of a READY exam", "class", c,
                    d -> line(d, c).oldestWaitMinutes());
            gauge(registry, "relais.queue.late", "READY exams past their deadline", "class", c,
                    d -> line(d, c).late());
        }
        gauge(registry, "relais.tonight.turnaround.minutes", "first image to signed report, tonight", "statistic", "mean",
                d -> orNaN(d.turnaround().meanMinutes()));
        gauge(registry, "relais.tonight.turnaround.minutes", "first image to signed report, tonight", "statistic", "median",
                d -> orNaN(d.turnaround().medianMinutes()));
        gauge(registry, "relais.tonight.turnaround.minutes", "first image to signed report, tonight", "statistic", "p90",
                d -> orNaN(d.turnaround().p90Minutes()));
        gauge(registry, "relais.tonight.signed", "reports signed tonight", null, null, d -> d.turnaround().signed());
        gauge(registry, "relais.tonight.sla.breaches", "exams whose deadline passed tonight before they were opened",
                null, null, Dashboard::breaches);
        gauge(registry, "relais.radiologists.checked.in", "radiologists on a seat", null, null,
                d -> d.radiologists().size());
        gauge(registry, "relais.exams.in.reading", "exams held by a radiologist", null, null, Dashboard::inReading);
    }

    private void gauge(MeterRegistry registry, String name, String description, String tag, String value,
                       ToDoubleFunction<Dashboard> figure) {
        Gauge.Builder<DashboardMetrics> b = Gauge.builder(name, this, m -> figure.applyAsDouble(m.current()))
                .description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    synchronized Dashboard current() {
        Instant now = clock.instant();
        if (cached == null || cachedAt.plus(settings.metricsCache()).isBefore(now)) {
            cached = dashboards.tonight();
            cachedAt = now;
        }
        return cached;
    }

    private static Dashboard.QueueLine line(Dashboard d, String priorityClass) {
        return d.queue().stream().filter(l -> l.priorityClass().equals(priorityClass)).findFirst()
                .orElse(new Dashboard.QueueLine(priorityClass, 0, 0, 0, 0));
    }

    private static double orNaN(Double minutes) {
        return minutes == null ? Double.NaN : minutes;
    }
}
