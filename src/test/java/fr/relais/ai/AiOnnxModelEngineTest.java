package fr.relais.ai;

import fr.relais.dicom.CtSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The ONNX engine with a model the test writes itself (protobuf encoded by hand, no Python): one
 * ReduceMax over a 1 × 1 × 8 × 8 input, so each slice's score is its brightest windowed pixel.
 */
class AiOnnxModelEngineTest {

    @TempDir
    Path work;

    @Test
    void theModelScoresEverySliceAndTheBrightestIsTheKeySlice() throws Exception {
        Path model = work.resolve("max.onnx");
        Files.write(model, reduceMaxModel(8, 8));
        // window 70 ± 20 HU: 50 → 0, 90 → 1
        OnnxModelEngine.Config config = new OnnxModelEngine.Config(model, "x", 8, 8, 70, 40);
        try (OnnxModelEngine engine = new OnnxModelEngine(config)) {
            OnnxModelEngine.Finding f = engine.analyse(List.of(slice("1.1", 30), slice("1.2", 80), slice("1.3", 60)));
            assertThat(f.score()).isCloseTo(0.75, within(1e-6));
            assertThat(f.keySopInstanceUid()).isEqualTo("1.2");
            assertThat(f.slices()).isEqualTo(3);
            assertThat(engine.analyse(List.of(slice("2.1", 2000))).score()).isEqualTo(1.0); // clipped by the window
        }
        assertThatThrownBy(() -> new OnnxModelEngine(new OnnxModelEngine.Config(model, "image", 8, 8, 70, 40)))
                .hasMessageContaining("no input named image");
    }

    /** A 16 × 16 slice at 0 HU with one pixel at {@code peak} HU; the engine resamples it to 8 × 8. */
    private static CtSlice slice(String sop, int peak) {
        short[] hu = new short[16 * 16];
        Arrays.fill(hu, (short) 0);
        hu[5 * 16 + 9] = (short) peak;
        return new CtSlice(sop, "1", "CT", 16, 16, 0.5, 0.5, 1, 0, hu);
    }

    // ---- a minimal protobuf writer for onnx.ModelProto ------------------------------------------

    static byte[] reduceMaxModel(int rows, int columns) {
        byte[] attribute = concat(string(1, "keepdims"), varint(3, 0), varint(20, 2)); // INT attribute 0
        byte[] node = concat(string(1, "x"), string(2, "y"), string(4, "ReduceMax"), message(5, attribute));
        byte[] dims = concat(message(1, varint(1, 1)), message(1, varint(1, 1)), message(1, varint(1, rows)),
                message(1, varint(1, columns)));
        byte[] input = concat(string(1, "x"), message(2, message(1, concat(varint(1, 1), message(2, dims)))));
        byte[] output = concat(string(1, "y"), message(2, message(1, concat(varint(1, 1), message(2, new byte[0])))));
        byte[] graph = concat(message(1, node), string(2, "g"), message(11, input), message(12, output));
        return concat(varint(1, 7), message(7, graph), message(8, varint(2, 13)));
    }

    private static byte[] varint(int field, long value) {
        return concat(rawVarint((long) field << 3), rawVarint(value));
    }

    private static byte[] string(int field, String s) {
        return message(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] body) {
        return concat(rawVarint(((long) field << 3) | 2), rawVarint(body.length), body);
    }

    private static byte[] rawVarint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
