package fr.relais.intake;

import fr.relais.intake.MultipartRelated.BodyEnd;
import fr.relais.intake.MultipartRelated.MalformedMultipartException;
import fr.relais.intake.MultipartRelated.PartHeaders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartRelatedTest {

    private static final String B = "b0undary-42";

    @Test
    void partsAreFoundWhateverSizeTheReadsHave() throws Exception {
        Random random = new Random(7);
        byte[][] bodies = new byte[5][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = new byte[random.nextInt(200_000)];
            random.nextBytes(bodies[i]);
        }
        // A body byte that looks like the start of the delimiter must stay in the body.
        bodies[2] = "\r\n--b0undary-4\r\n-".getBytes(StandardCharsets.US_ASCII);
        byte[] body = multipart("a preamble to skip\r\n", bodies);

        for (int maxRead : new int[]{1, 7, 100, 65536, Integer.MAX_VALUE}) {
            List<byte[]> parts = readAll(new MultipartRelated(chunked(body, maxRead), B));
            assertThat(parts).as("reads of at most %d bytes", maxRead).hasSize(bodies.length);
            for (int i = 0; i < bodies.length; i++) {
                assertThat(parts.get(i)).as("part %d", i).isEqualTo(bodies[i]);
            }
        }
    }

    @Test
    void aBodyWithoutItsCloseDelimiterEndsItsLastPartAsTruncated() throws Exception {
        byte[] whole = multipart("", new byte[][]{"first".getBytes(), "second, cut".getBytes()});
        byte[] cut = Arrays.copyOf(whole, whole.length - ("\r\n--" + B + "--\r\n").length() - 3);
        MultipartRelated parser = new MultipartRelated(new ByteArrayInputStream(cut), B);

        assertThat(parser.nextPart()).isNotNull();
        assertThat(parser.readBody(new ByteArrayOutputStream()::write)).isEqualTo(BodyEnd.DELIMITED);
        assertThat(parser.nextPart()).isNotNull();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        assertThat(parser.readBody(second::write)).isEqualTo(BodyEnd.END_OF_STREAM);
        assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("second, ");
    }

    @Test
    void malformedBodiesAreReportedNotParsed() {
        assertThatThrownBy(() -> readAll(parser("no delimiter at all")))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("no part");
        assertThatThrownBy(() -> readAll(parser("--" + B + "\r\nContent-Type: application/dicom\r\n" + "x".repeat(20_000))))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("16 KiB");
        assertThatThrownBy(() -> readAll(parser("--" + B + "\r\nContent-Type: application/dicom")))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("header end");
        assertThatThrownBy(() -> readAll(parser("--" + B + "X\r\n\r\nabc\r\n--" + B + "--")))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("neither a line end");
        assertThatThrownBy(() -> readAll(parser("--" + B + "\r\nno colon here\r\n\r\nabc\r\n--" + B + "--")))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("without a name");
        assertThatThrownBy(() -> readAll(parser("--" + B)))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("close delimiter");
    }

    @Test
    void theBoundaryParameterIsCheckedAsRfc2046Asks() throws Exception {
        assertThat(MultipartRelated.boundary("multipart/related; type=\"application/dicom\"; boundary=\"a b:c\""))
                .isEqualTo("a b:c");
        for (String bad : new String[]{"multipart/related", "multipart/related; boundary=", "multipart/related; boundary=\"\"",
                "multipart/related; boundary=" + "x".repeat(71), "multipart/related; boundary=a\u0000b",
                "multipart/related; boundary=a; boundary=b", "multipart/related; boundary=\"ends with space \""}) {
            assertThatThrownBy(() -> MultipartRelated.boundary(bad)).as(bad).isInstanceOf(MalformedMultipartException.class);
        }
    }

    @Test
    void aTwoGigabyteBodyIsReadThroughABufferOfFixedSize() throws Exception {
        // 2 GiB of parts generated on the fly: the parser must never hold more than its buffer.
        int partSize = 1 << 20;
        int partCount = 2048;
        byte[] payload = new byte[partSize];
        new Random(3).nextBytes(payload);
        byte[] head = ("\r\n--" + B + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InputStream body = new InputStream() {
            private int part = -1;
            private byte[] current = new byte[0];
            private int at;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                while (at == current.length) {
                    part++;
                    if (part > 2 * partCount) {
                        return -1;
                    }
                    current = part == 2 * partCount ? ("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII)
                            : part % 2 == 0 ? head : payload;
                    at = 0;
                }
                int n = Math.min(len, current.length - at);
                System.arraycopy(current, at, b, off, n);
                at += n;
                return n;
            }
        };
        MultipartRelated parser = new MultipartRelated(body, B);
        int parts = 0;
        long bytes = 0;
        long[] largestWrite = {0};
        while (parser.nextPart() != null) {
            long[] size = {0};
            assertThat(parser.readBody((b, off, len) -> {
                size[0] += len;
                largestWrite[0] = Math.max(largestWrite[0], len);
            })).isEqualTo(BodyEnd.DELIMITED);
            assertThat(size[0]).isEqualTo(partSize);
            parts++;
            bytes += size[0];
        }
        assertThat(parts).isEqualTo(partCount);
        assertThat(bytes).isEqualTo(2L << 30);
        assertThat(parser.consumed()).isGreaterThan(2L << 30);
        assertThat(largestWrite[0]).isLessThanOrEqualTo(64 * 1024);
    }

    private static MultipartRelated parser(String body) {
        return new MultipartRelated(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), B);
    }

    private static List<byte[]> readAll(MultipartRelated parser) throws Exception {
        List<byte[]> parts = new ArrayList<>();
        PartHeaders headers;
        while ((headers = parser.nextPart()) != null) {
            assertThat(headers.contentType()).isEqualTo("application/dicom");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(parser.readBody(out::write)).isEqualTo(BodyEnd.DELIMITED);
            parts.add(out.toByteArray());
        }
        return parts;
    }

    static byte[] multipart(String preamble, byte[][] bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
        for (byte[] body : bodies) {
            out.writeBytes(("--" + B + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Gives at most maxRead bytes per read, as a network would. */
    private static InputStream chunked(byte[] body, int maxRead) {
        return new FilterInputStream(new SequenceInputStream(new ByteArrayInputStream(body), InputStream.nullInputStream())) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, maxRead));
            }
        };
    }
}
