package fr.relais.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * Bar charts drawn by the page itself as inline SVG: the geometry is computed here, the template
 * only places the rectangles (no script, no external library).
 */
final class Charts {

    static final int WIDTH = 640;
    static final int HEIGHT = 160;
    static final int BASE = 140;

    /** One bar: where it stands, its height, its value and its label. */
    record Bar(double x, double y, double width, double height, String value, String label, String kind) {}

    record Chart(List<Bar> bars, List<Bar> labels, double max) {
        public boolean empty() {
            return bars.isEmpty();
        }
    }

    private Charts() {
    }

    /** Exams arrived and reports signed per hour, side by side. */
    static Chart perHour(List<Dashboard.HourCount> hours) {
        double max = Math.max(1, hours.stream().mapToLong(h -> Math.max(h.arrived(), h.signed())).max().orElse(1));
        double slot = hours.isEmpty() ? WIDTH : (double) WIDTH / hours.size();
        double barWidth = slot * 0.4;
        List<Bar> bars = new ArrayList<>();
        List<Bar> labels = new ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            Dashboard.HourCount h = hours.get(i);
            double x = i * slot + slot * 0.1;
            bars.add(bar(x, barWidth, h.arrived(), max, String.valueOf(h.arrived()), h.hour(), "arrived"));
            bars.add(bar(x + barWidth, barWidth, h.signed(), max, String.valueOf(h.signed()), h.hour(), "signed"));
            labels.add(new Bar(x + barWidth, BASE + 14, 0, 0, "", h.hour(), "label"));
        }
        return new Chart(bars, labels, max);
    }

    /** Mean turnaround tonight per deadline class, with the 16-minute headline as reference. */
    static Chart turnaroundByClass(List<Dashboard.Breakdown> byClass) {
        double max = Math.max(20, byClass.stream().mapToDouble(b -> b.turnaround().p90Minutes() == null ? 0
                : b.turnaround().p90Minutes()).max().orElse(20));
        double slot = byClass.isEmpty() ? WIDTH : (double) WIDTH / byClass.size();
        List<Bar> bars = new ArrayList<>();
        List<Bar> labels = new ArrayList<>();
        for (int i = 0; i < byClass.size(); i++) {
            Dashboard.Breakdown b = byClass.get(i);
            double mean = b.turnaround().meanMinutes() == null ? 0 : b.turnaround().meanMinutes();
            double x = i * slot + slot * 0.2;
            bars.add(bar(x, slot * 0.6, mean, max, String.format(java.util.Locale.ROOT, "%.1f", mean), b.key(), b.key()));
            labels.add(new Bar(x + slot * 0.3, BASE + 14, 0, 0, "", b.key(), "label"));
        }
        return new Chart(bars, labels, max);
    }

    private static Bar bar(double x, double width, double value, double max, String text, String label, String kind) {
        double height = (BASE - 10) * value / max;
        return new Bar(x, BASE - height, width, height, text, label, kind);
    }
}
