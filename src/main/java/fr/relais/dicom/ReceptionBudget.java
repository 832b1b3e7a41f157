package fr.relais.dicom;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that data sets being received may take together, whatever the number of senders: a
 * reception reserves as its data set grows (four times its bytes: the receive buffer with its
 * growth, then the plaintext and ciphertext copies of the store), and gives it back once answered.
 * Past the budget the sender gets "out of resources, retry later" (A700) instead of the server an
 * OutOfMemoryError; an object that alone exceeds it can never be taken and says so.
 */
public final class ReceptionBudget {

    /** How many bytes of heap a reception holds per byte of data set received. */
    static final int HEAP_PER_BYTE = 4;

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public ReceptionBudget(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    /** Half the heap the JVM may grow to: the other half serves pages, queries and the viewer. */
    public static ReceptionBudget halfTheHeap() {
        return new ReceptionBudget(Runtime.getRuntime().maxMemory() / 2);
    }

    public long capacity() {
        return capacity;
    }

    /** What receptions hold now, and the most they held at once: for metrics and tests. */
    public long reserved() {
        return reserved.get();
    }

    public long peak() {
        return peak.get();
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long now = reserved.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                peak.accumulateAndGet(now + bytes, Math::max);
                return true;
            }
        }
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Whether an object of this many bytes could ever be received, the budget all to itself. */
    boolean couldEverHold(long dataSetBytes) {
        return dataSetBytes * HEAP_PER_BYTE <= capacity;
    }

    /** What one reception holds, grown as its data set grows and given back once; not thread-safe. */
    public Reservation reserve() {
        return new Reservation();
    }

    public final class Reservation implements AutoCloseable {
        private long held;
        private String refusal;

        private Reservation() {}

        /**
         * Holds enough for a data set of this many bytes so far (ahead by as much again, at most
         * 4 MiB of data, so that a large object does not ask at every fragment). False, with
         * {@link #refusal} saying why in at most 64 characters (a DICOM error comment), when the
         * budget cannot; what was held is then given back.
         */
        public boolean grow(long dataBytes) {
            long needed = dataBytes * HEAP_PER_BYTE;
            if (needed <= held) {
                return true;
            }
            long ahead = Math.min(needed * 2, needed + (4L << 20) * HEAP_PER_BYTE);
            for (long target : new long[] {ahead, needed}) {
                if (tryReserve(target - held)) {
                    held = target;
                    return true;
                }
            }
            close();
            long budgetMib = capacity >> 20;
            refusal = couldEverHold(dataBytes)
                    ? "receptions fill the " + budgetMib + " MiB memory budget: retry later"
                    : "over " + (dataBytes >> 20) + " MiB: larger than this server can receive (" + budgetMib + " MiB)";
            return false;
        }

        /**
         * Holds exactly this much heap from now on, giving back the rest: a data set written out
         * as it arrives holds only its write buffers, whatever its size.
         */
        public void holdOnly(long heapBytes) {
            if (heapBytes < held) {
                release(held - heapBytes);
                held = heapBytes;
            }
        }

        /** Why the last {@link #grow} failed, or null. */
        public String refusal() {
            return refusal;
        }

        /** Gives everything back; the reservation may grow again for the next data set. */
        @Override
        public void close() {
            if (held > 0) {
                release(held);
                held = 0;
            }
            refusal = null;
        }
    }
}
