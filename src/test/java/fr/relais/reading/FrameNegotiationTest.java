package fr.relais.reading;

import fr.relais.dicom.Uids;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameNegotiationTest {

    private static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70";

    @Test
    void uncompressedFramesAreExplicitLittleEndianByDefault() {
        assertThat(FrameNegotiation.choose(null, Uids.IMPLICIT_VR_LITTLE_ENDIAN))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", Uids.EXPLICIT_VR_LITTLE_ENDIAN));
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"", Uids.EXPLICIT_VR_LITTLE_ENDIAN))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", Uids.EXPLICIT_VR_LITTLE_ENDIAN));
    }

    @Test
    void anAcceptHeaderOfSeparatorsAloneAsksForNothingWeServe() {
        // Found by the fuzzer (FuzzIT): "Accept: ;;;" was a 500.
        assertThat(FrameNegotiation.choose(";;;", Uids.EXPLICIT_VR_LITTLE_ENDIAN)).isEmpty();
        assertThat(FrameNegotiation.choose(";, ;;, multipart/related", Uids.EXPLICIT_VR_LITTLE_ENDIAN)).isPresent();
    }

    @Test
    void anyTransferSyntaxMeansTheStoredOne() {
        assertThat(FrameNegotiation.choose("multipart/related; type=application/octet-stream; transfer-syntax=*", JPEG_LOSSLESS))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", JPEG_LOSSLESS));
        assertThat(FrameNegotiation.choose("multipart/related; type=\"image/jpeg\"; transfer-syntax=*", JPEG_LOSSLESS))
                .hasValue(new FrameNegotiation.Answer("image/jpeg", JPEG_LOSSLESS));
        assertThat(FrameNegotiation.choose("multipart/related; type=application/octet-stream; transfer-syntax=*",
                Uids.IMPLICIT_VR_LITTLE_ENDIAN))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", Uids.IMPLICIT_VR_LITTLE_ENDIAN));
    }

    @Test
    void aCompressedFrameTheServerDecodesIsAnsweredInExplicitLittleEndianWhenAskedAsOctets() {
        FrameNegotiation.Answer decoded = new FrameNegotiation.Answer("application/octet-stream",
                Uids.EXPLICIT_VR_LITTLE_ENDIAN, true);
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"; transfer-syntax="
                + Uids.EXPLICIT_VR_LITTLE_ENDIAN, JPEG_LOSSLESS, true)).hasValue(decoded);
        // octets without a syntax: explicit VR little endian is the default (PS3.18 8.7.3.5.2)
        assertThat(FrameNegotiation.choose("multipart/related; type=application/octet-stream", JPEG_LOSSLESS, true))
                .hasValue(decoded);
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"; transfer-syntax="
                + Uids.IMPLICIT_VR_LITTLE_ENDIAN, JPEG_LOSSLESS, true))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", Uids.IMPLICIT_VR_LITTLE_ENDIAN, true));
        // the stored syntax stays the answer when it is taken: nothing is decoded for nothing
        assertThat(FrameNegotiation.choose("multipart/related; type=application/octet-stream; transfer-syntax=*",
                JPEG_LOSSLESS, true)).hasValue(new FrameNegotiation.Answer("application/octet-stream", JPEG_LOSSLESS));
        assertThat(FrameNegotiation.choose(null, JPEG_LOSSLESS, true))
                .hasValue(new FrameNegotiation.Answer("image/jpeg", JPEG_LOSSLESS));
        // never re-encoded into another compressed syntax
        assertThat(FrameNegotiation.choose("multipart/related; type=\"image/jp2\"", JPEG_LOSSLESS, true)).isEmpty();
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"; transfer-syntax="
                + "1.2.840.10008.1.2.4.90", JPEG_LOSSLESS, true)).isEmpty();
    }

    @Test
    void aCompressedFrameTheServerDoesNotDecodeIsNotTranscodedToUncompressed() {
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"; transfer-syntax="
                + Uids.EXPLICIT_VR_LITTLE_ENDIAN, JPEG_LOSSLESS)).isEmpty();
        assertThat(FrameNegotiation.choose("multipart/related; type=\"image/jp2\"", JPEG_LOSSLESS)).isEmpty();
        assertThat(FrameNegotiation.choose("image/png", Uids.EXPLICIT_VR_LITTLE_ENDIAN)).isEmpty();
    }

    @Test
    void theFirstSatisfiableRangeWinsAndRefusedOnesAreSkipped() {
        String accept = "multipart/related; type=\"image/jls\", multipart/related; type=\"image/jpeg\"; transfer-syntax="
                + JPEG_LOSSLESS;
        assertThat(FrameNegotiation.choose(accept, JPEG_LOSSLESS)).hasValue(new FrameNegotiation.Answer("image/jpeg", JPEG_LOSSLESS));
        assertThat(FrameNegotiation.choose("multipart/related; type=\"image/jpeg\"; q=0, */*", JPEG_LOSSLESS))
                .hasValue(new FrameNegotiation.Answer("image/jpeg", JPEG_LOSSLESS));
    }

    @Test
    void uncompressedFramesMayBeNamedInEitherLittleEndianSyntax() {
        assertThat(FrameNegotiation.choose("multipart/related; type=\"application/octet-stream\"; transfer-syntax="
                + Uids.IMPLICIT_VR_LITTLE_ENDIAN, Uids.EXPLICIT_VR_LITTLE_ENDIAN))
                .hasValue(new FrameNegotiation.Answer("application/octet-stream", Uids.IMPLICIT_VR_LITTLE_ENDIAN));
    }
}
