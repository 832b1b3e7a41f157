package fr.relais.dicom;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who holds the DICOM port. A connection first only negotiates, within the ARTIM timer, in a
 * small pool of its own bounded per source address; it takes an association slot only once its
 * calling AE title and address are accepted, bounded overall, per caller (a hospital) and per
 * source. A flood of stalled or unknown peers thus never keeps a registered hospital out, and one
 * hospital cannot take every slot.
 */
final class Admission {

    /** A slot held; closed once, when the connection ends or moves on. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    private final DicomServer.Limits limits;
    private final int maxAssociations;
    private final AtomicInteger negotiating = new AtomicInteger();
    private final AtomicInteger associations = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> negotiatingBySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Integer> associationsBySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> associationsByCaller = new ConcurrentHashMap<>();

    Admission(DicomServer.Limits limits, int maxAssociations) {
        this.limits = limits;
        this.maxAssociations = maxAssociations;
    }

    /** A slot to negotiate in, or null when the pool, or this source's share of it, is full. */
    Ticket negotiate(InetAddress source) {
        if (!take(negotiating, limits.maxNegotiating())) {
            return null;
        }
        if (!take(negotiatingBySource, source, limits.maxNegotiatingPerSource())) {
            negotiating.decrementAndGet();
            return null;
        }
        return once(() -> {
            negotiating.decrementAndGet();
            give(negotiatingBySource, source);
        });
    }

    /** An association slot for an accepted caller (null: only the overall and per-source bounds apply). */
    Ticket associate(String caller, InetAddress source) {
        if (!take(associations, maxAssociations)) {
            return null;
        }
        if (!take(associationsBySource, source, limits.maxPerSource())) {
            associations.decrementAndGet();
            return null;
        }
        if (caller != null && !take(associationsByCaller, caller, limits.maxPerCaller())) {
            associations.decrementAndGet();
            give(associationsBySource, source);
            return null;
        }
        return once(() -> {
            associations.decrementAndGet();
            give(associationsBySource, source);
            if (caller != null) {
                give(associationsByCaller, caller);
            }
        });
    }

    private static boolean take(AtomicInteger counter, int max) {
        while (true) {
            int now = counter.get();
            if (now >= max) {
                return false;
            }
            if (counter.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Takes a per-key slot, atomically for that key. */
    private static <K> boolean take(ConcurrentHashMap<K, Integer> map, K key, int max) {
        boolean[] taken = {false};
        map.compute(key, (k, held) -> {
            int now = held == null ? 0 : held;
            if (now >= max) {
                return held;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives a per-key slot back, and forgets the key once nothing is held for it. */
    private static <K> void give(ConcurrentHashMap<K, Integer> map, K key) {
        map.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    }

    private static Ticket once(Runnable release) {
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        };
    }
}
