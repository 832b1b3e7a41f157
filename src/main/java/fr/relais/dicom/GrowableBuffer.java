package fr.relais.dicom;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;

/** The bytes of a message being received, read straight from the socket into one array. */
final class GrowableBuffer {

    private byte[] bytes;
    private int size;

    GrowableBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void readFrom(DataInputStream in, int length) throws IOException {
        if (size + length > bytes.length) {
            long wanted = Math.max((long) size + length, (long) bytes.length * 2);
            bytes = Arrays.copyOf(bytes, (int) Math.min(wanted, Integer.MAX_VALUE - 16));
        }
        in.readFully(bytes, size, length);
        size += length;
    }

    byte[] array() {
        return bytes;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    /** After a large object, give the memory back rather than keep it per association. */
    void release(int keepAtMost) {
        size = 0;
        if (bytes.length > keepAtMost) {
            bytes = new byte[keepAtMost];
        }
    }
}
