package fr.relais.ai;

import fr.relais.dicom.CtSlice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The reference detector of intracranial haemorrhage on a non-contrast head CT series: fresh blood
 * is hyperdense (50–90 HU) against brain (20–45 HU). Per slice: the intracranial space is what a
 * flood from the image border through everything but bone (> 300 HU) cannot reach, shrunk by 2 mm
 * away from the skull (partial volume of bone looks like blood); the image is smoothed 3 × 3 in
 * plane (quantum noise of a few HU would otherwise scatter single voxels above 50 HU); voxels of
 * the shrunk space between 50 and 90 HU are candidates. Across slices, candidates form 3D
 * components (6-connected); the score is the volume of the largest, in mL, and its key slice is
 * the slice where that component has its largest area.
 *
 * <p>Slices are reduced to one bit per pixel as they arrive, so a 300-slice series needs a few
 * MB, not its full volume. Not for diagnosis: a triage aid that the radiologist overrules.
 */
public final class HaemorrhageDetector {

    public static final String ENGINE = "relais-ich";
    public static final String VERSION = "1.0";
    public static final String FINDING = "ICH";

    static final int BONE_HU = 300;
    static final int BLOOD_LOW_HU = 50;
    static final int BLOOD_HIGH_HU = 90;
    static final double MARGIN_FROM_BONE_MM = 2.0;

    /** What the detector found: the largest hyperdense component, or nothing (volume 0, no key slice). */
    public record Finding(double volumeMl, String keySopInstanceUid, int keyFrame, int slices, int components) {
        public boolean hasKeySlice() {
            return keySopInstanceUid != null;
        }
    }

    private record SliceMask(double z, String sopInstanceUid, int rows, int columns, double pixelAreaMm2,
                             double thickness, BitSet candidates) {}

    private final List<SliceMask> masks = new ArrayList<>();

    /** Reduces one slice to its candidate voxels. Slices may come in any order. */
    public void add(CtSlice slice) {
        masks.add(new SliceMask(slice.z(), slice.sopInstanceUid(), slice.rows(), slice.columns(),
                slice.rowSpacing() * slice.columnSpacing(), slice.sliceThickness(), candidates(slice)));
    }

    /** One pass over a whole series. */
    public static Finding analyse(Iterable<CtSlice> series) {
        HaemorrhageDetector d = new HaemorrhageDetector();
        for (CtSlice s : series) {
            d.add(s);
        }
        return d.finding();
    }

    public Finding finding() {
        if (masks.isEmpty()) {
            return new Finding(0, null, 0, 0, 0);
        }
        masks.sort(Comparator.comparingDouble(SliceMask::z));
        int rows = masks.get(0).rows();
        int columns = masks.get(0).columns();
        // Slices of another matrix than the first (a scout in the series) are left out.
        List<SliceMask> volume = masks.stream().filter(m -> m.rows() == rows && m.columns() == columns).toList();
        double voxelMl = volume.get(0).pixelAreaMm2() * sliceStep(volume) / 1000;
        BitSet[] left = volume.stream().map(m -> (BitSet) m.candidates().clone()).toArray(BitSet[]::new);

        long best = 0;
        int[] bestAreas = null;
        int components = 0;
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        int[] areas = new int[volume.size()];
        for (int s = 0; s < left.length; s++) {
            for (int i = left[s].nextSetBit(0); i >= 0; i = left[s].nextSetBit(i + 1)) {
                components++;
                Arrays.fill(areas, 0);
                long size = 0;
                left[s].clear(i);
                queue.add(new long[] {s, i});
                while (!queue.isEmpty()) {
                    long[] v = queue.poll();
                    int vs = (int) v[0];
                    int vi = (int) v[1];
                    size++;
                    areas[vs]++;
                    int r = vi / columns;
                    int c = vi % columns;
                    if (c > 0) visit(left, vs, vi - 1, queue);
                    if (c < columns - 1) visit(left, vs, vi + 1, queue);
                    if (r > 0) visit(left, vs, vi - columns, queue);
                    if (r < rows - 1) visit(left, vs, vi + columns, queue);
                    if (vs > 0) visit(left, vs - 1, vi, queue);
                    if (vs < left.length - 1) visit(left, vs + 1, vi, queue);
                }
                if (size > best) {
                    best = size;
                    bestAreas = areas.clone();
                }
            }
        }
        if (best == 0) {
            return new Finding(0, null, 0, volume.size(), 0);
        }
        int key = 0;
        for (int s = 1; s < bestAreas.length; s++) {
            if (bestAreas[s] > bestAreas[key]) {
                key = s;
            }
        }
        return new Finding(best * voxelMl, volume.get(key).sopInstanceUid(), 1, volume.size(), components);
    }

    private static void visit(BitSet[] left, int s, int i, ArrayDeque<long[]> queue) {
        if (left[s].get(i)) {
            left[s].clear(i);
            queue.add(new long[] {s, i});
        }
    }

    /** The median distance between neighbouring slices; the slice thickness for a single slice. */
    private static double sliceStep(List<SliceMask> volume) {
        if (volume.size() < 2) {
            return volume.get(0).thickness() > 0 ? volume.get(0).thickness() : 1;
        }
        double[] steps = new double[volume.size() - 1];
        for (int k = 1; k < volume.size(); k++) {
            steps[k - 1] = Math.abs(volume.get(k).z() - volume.get(k - 1).z());
        }
        Arrays.sort(steps);
        double median = steps[steps.length / 2];
        return median > 0 ? median : Math.max(volume.get(0).thickness(), 1);
    }

    /** The hyperdense voxels of the intracranial space of one slice. */
    static BitSet candidates(CtSlice slice) {
        int rows = slice.rows();
        int columns = slice.columns();
        short[] hu = slice.hu();
        int n = rows * columns;
        boolean[] bone = new boolean[n];
        for (int i = 0; i < n; i++) {
            bone[i] = hu[i] > BONE_HU;
        }
        boolean[] outside = floodFromBorder(bone, rows, columns);
        int margin = (int) Math.ceil(MARGIN_FROM_BONE_MM / Math.min(slice.rowSpacing(), slice.columnSpacing()));
        boolean[] nearBone = dilate(bone, rows, columns, margin);
        BitSet out = new BitSet(n);
        for (int r = 1; r < rows - 1; r++) {
            int base = r * columns;
            for (int c = 1; c < columns - 1; c++) {
                int i = base + c;
                if (outside[i] || nearBone[i]) {
                    continue;
                }
                int sum = 0;
                for (int dr = -columns; dr <= columns; dr += columns) {
                    sum += hu[i + dr - 1] + hu[i + dr] + hu[i + dr + 1];
                }
                double mean = sum / 9.0;
                if (mean >= BLOOD_LOW_HU && mean <= BLOOD_HIGH_HU) {
                    out.set(i);
                }
            }
        }
        return out;
    }

    /** Pixels reachable from the border without crossing bone (4-connected). */
    private static boolean[] floodFromBorder(boolean[] bone, int rows, int columns) {
        boolean[] seen = new boolean[rows * columns];
        int[] stack = new int[rows * columns];
        int top = 0;
        for (int c = 0; c < columns; c++) {
            top = push(bone, seen, stack, top, c);
            top = push(bone, seen, stack, top, (rows - 1) * columns + c);
        }
        for (int r = 0; r < rows; r++) {
            top = push(bone, seen, stack, top, r * columns);
            top = push(bone, seen, stack, top, r * columns + columns - 1);
        }
        while (top > 0) {
            int i = stack[--top];
            int r = i / columns;
            int c = i % columns;
            if (c > 0) top = push(bone, seen, stack, top, i - 1);
            if (c < columns - 1) top = push(bone, seen, stack, top, i + 1);
            if (r > 0) top = push(bone, seen, stack, top, i - columns);
            if (r < rows - 1) top = push(bone, seen, stack, top, i + columns);
        }
        return seen;
    }

    private static int push(boolean[] bone, boolean[] seen, int[] stack, int top, int i) {
        if (!seen[i] && !bone[i]) {
            seen[i] = true;
            stack[top++] = i;
        }
        return top;
    }

    /** A square dilation of {@code k} pixels, separable: rows then columns, with running counts. */
    private static boolean[] dilate(boolean[] mask, int rows, int columns, int k) {
        boolean[] horizontal = new boolean[mask.length];
        for (int r = 0; r < rows; r++) {
            int base = r * columns;
            int count = 0;
            for (int c = 0; c < Math.min(k, columns); c++) {
                count += mask[base + c] ? 1 : 0;
            }
            for (int c = 0; c < columns; c++) {
                if (c + k < columns && mask[base + c + k]) count++;
                if (c - k - 1 >= 0 && mask[base + c - k - 1]) count--;
                horizontal[base + c] = count > 0;
            }
        }
        boolean[] out = new boolean[mask.length];
        for (int c = 0; c < columns; c++) {
            int count = 0;
            for (int r = 0; r < Math.min(k, rows); r++) {
                count += horizontal[r * columns + c] ? 1 : 0;
            }
            for (int r = 0; r < rows; r++) {
                if (r + k < rows && horizontal[(r + k) * columns + c]) count++;
                if (r - k - 1 >= 0 && horizontal[(r - k - 1) * columns + c]) count--;
                out[r * columns + c] = count > 0;
            }
        }
        return out;
    }
}
