package fr.relais.ai;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import fr.relais.dicom.CtSlice;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * An operator-supplied ONNX model run slice by slice on a CT series (ONNX Runtime 1.28.0). Each
 * slice is resampled (nearest neighbour) to the model's input of 1 × 1 × rows × columns floats,
 * windowed (HU → 0..1 between centre ± width/2); the model's first output's first value is the
 * slice's score. The series' score is the highest slice score, and that slice is the key slice.
 */
public final class OnnxModelEngine implements AutoCloseable {

    /** How to feed the model: its file, input name and size, and the window applied to HU. */
    public record Config(Path model, String inputName, int rows, int columns, double windowCenter, double windowWidth) {
        public Config {
            if (rows < 1 || columns < 1 || windowWidth <= 0) {
                throw new IllegalArgumentException("the model's input needs positive rows, columns and window width");
            }
        }
    }

    public record Finding(double score, String keySopInstanceUid, int slices) {}

    private final Config config;
    private final OrtEnvironment env;
    private final OrtSession session;

    public OnnxModelEngine(Config config) throws OrtException {
        this.config = config;
        this.env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // one core: reading and receiving come first
        this.session = env.createSession(config.model().toString(), options);
        java.util.Set<String> inputs = session.getInputNames();
        if (!inputs.contains(config.inputName())) {
            session.close();
            throw new IllegalArgumentException("the model has no input named " + config.inputName()
                    + " (it has " + inputs + ")");
        }
    }

    public Finding analyse(Iterable<CtSlice> series) throws OrtException, InterruptedException {
        double best = Double.NEGATIVE_INFINITY;
        String key = null;
        int n = 0;
        for (CtSlice slice : series) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            double score = score(slice);
            n++;
            if (score > best) {
                best = score;
                key = slice.sopInstanceUid();
            }
        }
        return new Finding(n == 0 ? 0 : best, key, n);
    }

    double score(CtSlice slice) throws OrtException {
        float[] input = preprocess(slice, config);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                new long[] {1, 1, config.rows(), config.columns()});
             OrtSession.Result result = session.run(Map.of(config.inputName(), tensor))) {
            Object value = result.get(0).getValue();
            return firstValue(value);
        }
    }

    static float[] preprocess(CtSlice slice, Config c) {
        float[] out = new float[c.rows() * c.columns()];
        double low = c.windowCenter() - c.windowWidth() / 2;
        for (int r = 0; r < c.rows(); r++) {
            int sr = (int) ((r + 0.5) * slice.rows() / c.rows());
            for (int col = 0; col < c.columns(); col++) {
                int sc = (int) ((col + 0.5) * slice.columns() / c.columns());
                double v = (slice.hu()[sr * slice.columns() + sc] - low) / c.windowWidth();
                out[r * c.columns() + col] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return out;
    }

    private static double firstValue(Object value) {
        if (value instanceof float[] f) {
            return f[0];
        }
        if (value instanceof float[][] f) {
            return f[0][0];
        }
        if (value instanceof Float f) {
            return f;
        }
        if (value instanceof float[][][][] f) {
            return f[0][0][0][0];
        }
        throw new IllegalStateException("the model's first output is not a float tensor: " + value.getClass());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
