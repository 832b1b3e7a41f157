package fr.relais.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bar charts drawn by the page itself as inline SVG: the geometry is computed here, the template
 * only places the rectangles, the axes, their graduations and the values (no script, no external
 * library).
 */
final class Charts {

    static final int WIDTH = 640;
    static final int HEIGHT = 180;
    /** The bars stand on this line; the graduations of the vertical axis are left of LEFT. */
    static final int BASE = 150;
    static final int LEFT = 44;
    static final int TOP = 16;

    /** One bar: where it stands, its height, its value and its label. */
    record Bar(double x, double y, double width, double height, String value, String label, String kind) {}

    /** A graduation of the vertical axis: its height and its value. */
    record Tick(double y, String value) {}

    record Chart(List<Bar> bars, List<Bar> labels, List<Tick> ticks, double max) {
        public boolean empty() {
            return bars.isEmpty();
        }

        public int left() {
            return LEFT;
        }

        public int right() {
            return WIDTH - 4;
        }

        public int base() {
            return BASE;
        }

        public int top() {
            return TOP;
        }
    }

    private Charts() {
    }

    /** Exams arrived and reports signed per hour, side by side; the vertical axis counts exams. */
    static Chart perHour(List<Dashboard.HourCount> hours) {
        double max = niceMax(hours.stream().mapToLong(h -> Math.max(h.arrived(), h.signed())).max().orElse(1));
        double slot = hours.isEmpty() ? plotWidth() : plotWidth() / hours.size();
        double barWidth = slot * 0.4;
        List<Bar> bars = new ArrayList<>();
        List<Bar> labels = new ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            Dashboard.HourCount h = hours.get(i);
            double x = LEFT + i * slot + slot * 0.1;
            bars.add(bar(x, barWidth, h.arrived(), max, String.valueOf(h.arrived()), h.hour(), "arrived"));
            bars.add(bar(x + barWidth, barWidth, h.signed(), max, String.valueOf(h.signed()), h.hour(), "signed"));
            labels.add(new Bar(x + barWidth, BASE + 14, 0, 0, "", h.hour(), "label"));
        }
        return new Chart(bars, labels, ticks(max, false), max);
    }

    /** Mean turnaround tonight per deadline class, in minutes, up to at least 20 (the 16-minute headline shows). */
    static Chart turnaroundByClass(List<Dashboard.Breakdown> byClass) {
        double max = niceMax(Math.max(20, byClass.stream().mapToDouble(b -> b.turnaround().p90Minutes() == null ? 0
                : b.turnaround().p90Minutes()).max().orElse(20)));
        double slot = byClass.isEmpty() ? plotWidth() : plotWidth() / byClass.size();
        List<Bar> bars = new ArrayList<>();
        List<Bar> labels = new ArrayList<>();
        for (int i = 0; i < byClass.size(); i++) {
            Dashboard.Breakdown b = byClass.get(i);
            double mean = b.turnaround().meanMinutes() == null ? 0 : b.turnaround().meanMinutes();
            double x = LEFT + i * slot + slot * 0.2;
            bars.add(bar(x, slot * 0.6, mean, max, String.format(Locale.FRANCE, "%.1f min", mean), b.key(), b.key()));
            labels.add(new Bar(x + slot * 0.3, BASE + 14, 0, 0, "", b.key(), "label"));
        }
        return new Chart(bars, labels, ticks(max, true), max);
    }

    /** The top of the vertical axis: the next round number (1, 2 or 5 times a power of ten) at or above the data. */
    static double niceMax(double highest) {
        double top = Math.max(1, highest);
        double power = Math.pow(10, Math.floor(Math.log10(top)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= top) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** Five graduations from 0 to max; counts keep the whole ones only. */
    static List<Tick> ticks(double max, boolean minutes) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double value = max * i / 4;
            boolean whole = value == Math.rint(value);
            if (minutes || whole) {
                String text = whole ? String.valueOf((long) value) : String.format(Locale.FRANCE, "%.1f", value);
                ticks.add(new Tick(BASE - (BASE - TOP) * value / max, text));
            }
        }
        return ticks;
    }

    private static double plotWidth() {
        return WIDTH - LEFT - 4;
    }

    private static Bar bar(double x, double width, double value, double max, String text, String label, String kind) {
        double height = (BASE - TOP) * value / max;
        return new Bar(x, BASE - height, width, height, text, label, kind);
    }
}
