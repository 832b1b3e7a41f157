package fr.relais.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
        for (String c : DashboardService.CLASSES) {
            gauge(registry, "relais.queue.waiting", "READY exams waiting in the common worklist", "class", c,
                    d -> line(d, c).waiting());
            gauge(registry, "relais.queue.oldest.wait.minutes", "longest wait of a READY exam", "class", c,
                    d -> line(d, c).oldestWaitMinutes());
            gauge(registry, "relais.queue.late", "READY exams past their deadline", "class", c,
                    d -> line(d, c).late());
        }
        for (String c : DashboardService.CLASSES) {
            gauge(registry, "relais.tonight.turnaround.by.class.minutes", "first image to signed report, tonight, by class",
                    Tags.of("class", c, "statistic", "mean"), d -> orNaN(of(d.byClass(), c).meanMinutes()));
            gauge(registry, "relais.tonight.turnaround.by.class.minutes", "first image to signed report, tonight, by class",
                    Tags.of("class", c, "statistic", "p90"), d -> orNaN(of(d.byClass(), c).p90Minutes()));
            gauge(registry, "relais.tonight.time.to.open.minutes", "READY to opened, tonight, by class",
                    Tags.of("class", c, "statistic", "mean"), d -> orNaN(delay(d, c).meanMinutes()));
            gauge(registry, "relais.tonight.time.to.open.minutes", "READY to opened, tonight, by class",
                    Tags.of("class", c, "statistic", "p90"), d -> orNaN(delay(d, c).p90Minutes()));
            gauge(registry, "relais.tonight.sla.breaches.by.class", "deadlines passed tonight, by class and stage",
                    Tags.of("class", c, "stage", "opened"), d -> breach(d, c).beforeOpened());
            gauge(registry, "relais.tonight.sla.breaches.by.class", "deadlines passed tonight, by class and stage",
                    Tags.of("class", c, "stage", "signed"), d -> breach(d, c).beforeSigned());
        }
        for (String u : new String[] {"P1", "P2", "P3"}) {
            gauge(registry, "relais.tonight.turnaround.by.urgency.minutes", "first image to signed report, tonight, by urgency",
                    Tags.of("urgency", u, "statistic", "mean"), d -> orNaN(of(d.byUrgency(), u).meanMinutes()));
            gauge(registry, "relais.tonight.turnaround.by.urgency.minutes", "first image to signed report, tonight, by urgency",
                    Tags.of("urgency", u, "statistic", "p90"), d -> orNaN(of(d.byUrgency(), u).p90Minutes()));
        }
        gauge(registry, "relais.current.hour.exams.arrived", "exams whose first image arrived in the current hour",
                Tags.empty(), d -> d.perHour().isEmpty() ? 0 : d.perHour().get(d.perHour().size() - 1).arrived());
        gauge(registry, "relais.current.hour.reports.signed", "reports signed in the current hour",
                Tags.empty(), d -> d.perHour().isEmpty() ? 0 : d.perHour().get(d.perHour().size() - 1).signed());
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
        gauge(registry, name, description, tag == null ? Tags.empty() : Tags.of(tag, value), figure);
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags, ToDoubleFunction<Dashboard> figure) {
        Gauge.builder(name, this, m -> figure.applyAsDouble(m.current())).description(description).tags(tags)
                .register(registry);
    }

    private static final Dashboard.Turnaround NONE = new Dashboard.Turnaround(0, null, null, null);

    private static Dashboard.Turnaround of(List<Dashboard.Breakdown> breakdown, String key) {
        return breakdown.stream().filter(b -> b.key().equals(key)).map(Dashboard.Breakdown::turnaround).findFirst()
                .orElse(NONE);
    }

    private static Dashboard.OpenDelay delay(Dashboard d, String priorityClass) {
        return d.timeToOpen().stream().filter(o -> o.priorityClass().equals(priorityClass)).findFirst()
                .orElse(new Dashboard.OpenDelay(priorityClass, 0, null, null));
    }

    private static Dashboard.Breach breach(Dashboard d, String priorityClass) {
        return d.slaBreaches().stream().filter(b -> b.priorityClass().equals(priorityClass)).findFirst()
                .orElse(new Dashboard.Breach(priorityClass, 0, 0));
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
