package fr.relais.sim;

import java.util.SplittableRandom;

/**
 * A head made of nested ellipses, in Hounsfield units, sampled on an axial grid.
 *
 * <p>Patient coordinates in mm (DICOM LPS): x grows towards the patient's left, y towards the
 * back, z towards the top of the head; the head's centre is the origin. Seen from the outside in:
 * air, skin, subcutaneous fat, skull (dense tables around a lighter diploe), a thin rim of CSF,
 * cortical grey matter, then white matter, with lateral and third ventricles in the middle slices
 * and, optionally, an intraparenchymal haematoma in the right hemisphere.
 */
final class HeadPhantom {

    static final int AIR = -1000;
    static final int SKIN = 45;
    static final int FAT = -90;
    static final int BONE_TABLE = 1000;
    static final int BONE_DIPLOE = 700;
    static final int CSF = 8;
    static final int GREY_MATTER = 38;
    static final int WHITE_MATTER = 29;
    static final int VENTRICLE = 5;
    static final int HAEMATOMA = 72;
    static final int OEDEMA = 20;
    /** Standard deviation of the quantum noise added everywhere, in HU. */
    static final double NOISE_SIGMA = 4.0;
    private static final double SQRT_3 = Math.sqrt(3);

    /** Semi-axes of the outer surface of the head at its widest (left-right, front-back), in mm. */
    static final double HEAD_A = 78;
    static final double HEAD_B = 98;
    /** The head ends this far above and below its centre (the lower half is taller: skull base). */
    static final double HEAD_TOP = 100;
    static final double HEAD_BOTTOM = 115;

    /** Depths below the skin where each layer ends, in mm. */
    static final double SKIN_END = 1.5;
    static final double FAT_END = 4;
    static final double SKULL_END = 11;
    static final double CSF_END = 12.5;
    static final double CORTEX_END = 16.5;

    static final Ellipsoid LEFT_VENTRICLE = new Ellipsoid(9, -2, 18, 7, 25, 14);
    static final Ellipsoid RIGHT_VENTRICLE = new Ellipsoid(-9, -2, 18, 7, 25, 14);
    static final Ellipsoid THIRD_VENTRICLE = new Ellipsoid(0, 6, 2, 1.5, 10, 8);
    /** Right basal ganglia / corona radiata haematoma, ~2.4 x 3.6 x 2.4 cm. */
    static final Ellipsoid HAEMATOMA_CORE = new Ellipsoid(-32, 8, 10, 12, 18, 12);
    static final double OEDEMA_RIM = 3;

    record Ellipsoid(double cx, double cy, double cz, double ax, double ay, double az) {
        /** The z part of the normalised squared radius at height z; above 1, the slice misses the ellipsoid. */
        double zTerm(double z) {
            double dz = (z - cz) / az;
            return dz * dz;
        }

        boolean contains(double x, double y, double zTerm) {
            double dx = (x - cx) / ax;
            double dy = (y - cy) / ay;
            return dx * dx + dy * dy + zTerm <= 1;
        }

        Ellipsoid grownBy(double mm) {
            return new Ellipsoid(cx, cy, cz, ax + mm, ay + mm, az + mm);
        }
    }

    private final boolean bleed;
    private final Ellipsoid haematoma;
    private final double[] xs;
    private final double[] ys;

    HeadPhantom(int rows, int columns, double pixelSpacing, boolean bleed) {
        this(rows, columns, pixelSpacing, bleed, HAEMATOMA_CORE);
    }

    /** With a haematoma of another size or place than the default one (when {@code bleed}). */
    HeadPhantom(int rows, int columns, double pixelSpacing, boolean bleed, Ellipsoid haematoma) {
        this.bleed = bleed;
        this.haematoma = haematoma;
        this.xs = new double[columns];
        this.ys = new double[rows];
        for (int c = 0; c < columns; c++) {
            xs[c] = centredCoordinate(c, columns, pixelSpacing);
        }
        for (int r = 0; r < rows; r++) {
            ys[r] = centredCoordinate(r, rows, pixelSpacing);
        }
    }

    /** Position in mm of pixel {@code index} of {@code count}, with the grid centred on the head's axis. */
    static double centredCoordinate(int index, int count, double pixelSpacing) {
        return (index - (count - 1) / 2.0) * pixelSpacing;
    }

    /** Scale of the head's cross-section at height z: 1 at the centre, 0 beyond the vertex or the base. */
    static double scaleAt(double z) {
        double h = z >= 0 ? HEAD_TOP : HEAD_BOTTOM;
        double t = z / h;
        return t >= 1 ? 0 : Math.sqrt(1 - t * t);
    }

    /**
     * Stored values (HU + {@code offset}) of the axial slice at height z, with noise drawn from
     * {@code noise}. Layers are found by the depth below the skin measured along the ray from the
     * centre, which is close to the normal depth for a head this round.
     */
    short[] slice(double z, int offset, SplittableRandom noise) {
        int rows = ys.length;
        int columns = xs.length;
        short[] out = new short[rows * columns];
        double s = scaleAt(z);
        double a = HEAD_A * s;
        double b = HEAD_B * s;
        double lvz = LEFT_VENTRICLE.zTerm(z);
        double rvz = RIGHT_VENTRICLE.zTerm(z);
        double tvz = THIRD_VENTRICLE.zTerm(z);
        Ellipsoid rim = haematoma.grownBy(OEDEMA_RIM);
        double hz = haematoma.zTerm(z);
        double oz = rim.zTerm(z);
        boolean anyVentricle = lvz <= 1 || rvz <= 1 || tvz <= 1;
        boolean anyBleed = bleed && oz <= 1;

        for (int r = 0; r < rows; r++) {
            double y = ys[r];
            double ny2 = s > 0 ? (y / b) * (y / b) : Double.POSITIVE_INFINITY;
            int base = r * columns;
            for (int c = 0; c < columns; c++) {
                double x = xs[c];
                double hu;
                double r2 = s > 0 ? (x / a) * (x / a) + ny2 : Double.POSITIVE_INFINITY;
                if (r2 >= 1) {
                    hu = AIR;
                } else {
                    double rho = Math.sqrt(x * x + y * y);
                    double rn = Math.sqrt(r2);
                    double depth = rn < 1e-9 ? Double.MAX_VALUE : rho * (1 - rn) / rn;
                    hu = tissue(x, y, depth, anyVentricle, lvz, rvz, tvz, anyBleed, rim, hz, oz);
                }
                // Irwin-Hall: the sum of four 16-bit uniforms is close enough to Gaussian quantum noise.
                long bits = noise.nextLong();
                double u = (bits & 0xFFFF) + ((bits >>> 16) & 0xFFFF) + ((bits >>> 32) & 0xFFFF) + (bits >>> 48);
                double g = (u / 65535.0 - 2.0) * SQRT_3; // mean 0, sd 1
                int v = (int) Math.round(hu + g * NOISE_SIGMA);
                out[base + c] = (short) (Math.max(v, -1024) + offset);
            }
        }
        return out;
    }

    private double tissue(double x, double y, double depth, boolean anyVentricle, double lvz, double rvz,
                          double tvz, boolean anyBleed, Ellipsoid rim, double hz, double oz) {
        if (depth < SKIN_END) {
            return SKIN;
        }
        if (depth < FAT_END) {
            return FAT;
        }
        if (depth < SKULL_END) {
            double t = (depth - FAT_END) / (SKULL_END - FAT_END);
            return BONE_TABLE - (BONE_TABLE - BONE_DIPLOE) * Math.sin(Math.PI * t);
        }
        if (depth < CSF_END) {
            return CSF;
        }
        if (anyVentricle && (LEFT_VENTRICLE.contains(x, y, lvz) || RIGHT_VENTRICLE.contains(x, y, rvz)
                || THIRD_VENTRICLE.contains(x, y, tvz))) {
            return VENTRICLE;
        }
        if (anyBleed && rim.contains(x, y, oz)) {
            return hz <= 1 && haematoma.contains(x, y, hz) ? HAEMATOMA : OEDEMA;
        }
        return depth < CORTEX_END ? GREY_MATTER : WHITE_MATTER;
    }
}
