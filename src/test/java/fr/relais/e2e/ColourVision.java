package fr.relais.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Colours as a reader sees them: the WCAG contrast ratio of two sRGB colours, and how far apart two
 * colours look (CIE76 ΔE in L*a*b*) to a reader with a red-green deficiency, simulated with the
 * matrices of Machado, Oliveira and Fernandes (2009) at full severity.
 */
final class ColourVision {

    enum Deficiency {
        DEUTERANOPIA(new double[][] {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413},
                {-0.011820, 0.042940, 0.968881}}),
        PROTANOPIA(new double[][] {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216},
                {-0.003882, -0.048116, 1.051998}});

        private final double[][] matrix;

        Deficiency(double[][] matrix) {
            this.matrix = matrix;
        }
    }

    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+),\\s*(\\d+),\\s*(\\d+)");

    private ColourVision() {}

    /** A computed CSS colour ("rgb(29, 78, 216)" or "rgba(...)") as its three channels. */
    static int[] rgb(String css) {
        Matcher m = RGB.matcher(css);
        if (!m.find()) {
            throw new IllegalArgumentException("not an rgb() colour: " + css);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    /** The WCAG 2 contrast ratio, from 1 to 21. */
    static double contrast(int[] a, int[] b) {
        double la = luminance(linear(a));
        double lb = luminance(linear(b));
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /** ΔE between the two colours as a reader with this deficiency sees them. */
    static double distance(Deficiency deficiency, int[] a, int[] b) {
        double[] la = lab(simulate(deficiency, linear(a)));
        double[] lb = lab(simulate(deficiency, linear(b)));
        return Math.sqrt(Math.pow(la[0] - lb[0], 2) + Math.pow(la[1] - lb[1], 2) + Math.pow(la[2] - lb[2], 2));
    }

    private static double[] linear(int[] rgb) {
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            double c = rgb[i] / 255.0;
            out[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }
        return out;
    }

    private static double luminance(double[] linear) {
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    }

    private static double[] simulate(Deficiency deficiency, double[] linear) {
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = 0;
            for (int j = 0; j < 3; j++) {
                v += deficiency.matrix[i][j] * linear[j];
            }
            out[i] = Math.max(0, Math.min(1, v));
        }
        return out;
    }

    private static double[] lab(double[] linear) {
        double x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047;
        double y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
        double z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883;
        double fx = f(x);
        double fy = f(y);
        double fz = f(z);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    private static double f(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
    }
}
