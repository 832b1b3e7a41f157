package fr.relais.dicom;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Objects stored before intake checked their pixel module (or by any other way in): whatever their
 * header says, reading them allocates on the order of their own size, never on the header's.
 */
class BoundedReadingTest {

    private static final long SMALL = 1 << 20;
    private static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70";

    /** The 1 × 1 image with no samples and 300 million frames in 8 bytes. */
    private static byte[] crafted() {
        return TestObjects.image().rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7).file();
    }

    @Test
    void framesOfAnObjectAnnouncingMillionsOfEmptyFramesAreRefusedWithoutAllocating() {
        byte[] file = crafted();
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> DicomWeb.frames(file))
                .isInstanceOf(DicomHeader.InvalidObjectException.class));
        assertThat(allocated).isLessThan(SMALL);
    }

    @Test
    void compressedFramesAreNoMoreThanTheFragmentsReceived() {
        byte[] file = TestObjects.image().frames("300000000")
                .encapsulated(JPEG_LOSSLESS, new byte[0], new byte[]{1, 2}).file();
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> DicomWeb.frames(file))
                .isInstanceOf(DicomHeader.InvalidObjectException.class)
                .hasMessageContaining("1 fragments for 300000000 frames"));
        assertThat(allocated).isLessThan(SMALL);
    }

    @Test
    void renderingOrReadingAsACtSliceTheCraftedObjectIsRefusedWithoutAllocating() {
        byte[] file = crafted();
        long allocated = allocatedBy(() -> {
            assertThatThrownBy(() -> DicomWeb.render(file, 1, null)).isInstanceOf(DicomHeader.InvalidObjectException.class);
            assertThatThrownBy(() -> CtSlice.read(file)).isInstanceOf(DicomHeader.InvalidObjectException.class);
        });
        assertThat(allocated).isLessThan(SMALL);
    }

    @Test
    void aMultiFrameObjectIsStillCutIntoItsFrames() throws Exception {
        byte[] file = TestObjects.image().rows(1).columns(2).frames("3").pixelBytes(12).file();
        DicomWeb.Frames frames = DicomWeb.frames(file);
        assertThat(frames.count()).isEqualTo(3);
        assertThat(frames.frame(3)).containsExactly(8, 9, 10, 11);
        assertThat(DicomWeb.render(file, 2, null).getWidth()).isEqualTo(2);
    }

    @Test
    void aSliceLargerThanTheEnginesReadIsLeftOut() {
        byte[] file = TestObjects.image().rows(2049).columns(2048).pixelBytes(2 * 2049 * 2048).file();
        assertThatThrownBy(() -> CtSlice.read(file)).isInstanceOf(DicomHeader.InvalidObjectException.class)
                .hasMessageContaining("larger than the engines read");
    }

    /** Bytes this thread allocated while running the action the second time (the first loads classes). */
    private static long allocatedBy(Runnable action) {
        action.run();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
