package fr.relais.reading;

import fr.relais.dicom.Bytes;
import fr.relais.storage.ObjectStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The decrypted objects the viewers read, kept in memory, never on disk. AES-GCM costs about 2 ms
 * per 512 KB slice on this kind of machine, more than everything else a frame request does; a
 * study being read is asked for again (two viewports, priors side by side, a reload, the
 * coordinator's look), so the most recently read objects stay open up to a bound in bytes
 * (relais.reading.open-objects-mb, 512 by default, 0 to turn it off), the least recently read
 * leaving first. Two requests for the same object while it is being decrypted share the work.
 * An object larger than {@link #WHOLE_AT_MOST} (a long multi-frame) is never held whole: it is
 * read by range, each request decrypting the chunks it needs.
 */
@Component
class OpenObjects {

    private final ObjectStore store;
    private final long capacity;
    private final Map<String, byte[]> open = new LinkedHashMap<>(256, 0.75f, true);
    private final Map<String, Supplier<byte[]>> opening = new ConcurrentHashMap<>();
    private long bytes;
    private final AtomicLong hits = new AtomicLong(), misses = new AtomicLong();

    OpenObjects(ObjectStore store, @Value("${relais.reading.open-objects-mb:512}") long capacityMb, MeterRegistry meters) {
        this.store = store;
        this.capacity = Math.max(0, capacityMb) << 20;
        Gauge.builder("relais.reading.open.objects.bytes", this, o -> o.size()).register(meters);
        Gauge.builder("relais.reading.open.objects.hits", hits, AtomicLong::get).register(meters);
        Gauge.builder("relais.reading.open.objects.misses", misses, AtomicLong::get).register(meters);
    }

    /** The largest object held whole in memory. */
    static final long WHOLE_AT_MOST = 64L << 20;

    /** The plaintext of a stored object, in memory or read by range: close it; callers must not change it. */
    Bytes open(String key) throws IOException {
        synchronized (open) {
            byte[] found = open.get(key);
            if (found != null) {
                hits.incrementAndGet();
                return Bytes.of(found);
            }
        }
        if (store.size(key) > WHOLE_AT_MOST) {
            misses.incrementAndGet();
            return Bytes.of(store.open(key));
        }
        return Bytes.of(read(key));
    }

    /** The plaintext of a stored object of at most {@link #WHOLE_AT_MOST} bytes; callers must not change the array. */
    byte[] read(String key) throws IOException {
        synchronized (open) {
            byte[] found = open.get(key);
            if (found != null) {
                hits.incrementAndGet();
                return found;
            }
        }
        misses.incrementAndGet();
        if (capacity == 0) {
            return store.read(key);
        }
        // One decryption per object at a time: a second reader waits for the first one's result.
        Opening mine = new Opening();
        Supplier<byte[]> running = opening.putIfAbsent(key, mine);
        if (running != null) {
            byte[] shared = running.get();
            if (shared != null) {
                return shared;
            }
            return store.read(key); // the first reader failed: try on our own, to report our own error
        }
        try {
            byte[] plain = store.read(key);
            mine.done(plain);
            keep(key, plain);
            return plain;
        } finally {
            mine.done(null);
            opening.remove(key, mine);
        }
    }

    private void keep(String key, byte[] plain) {
        if (plain.length > capacity) {
            return;
        }
        synchronized (open) {
            byte[] previous = open.put(key, plain);
            bytes += plain.length - (previous == null ? 0 : previous.length);
            var eldest = open.entrySet().iterator();
            while (bytes > capacity && eldest.hasNext()) {
                bytes -= eldest.next().getValue().length;
                eldest.remove();
            }
        }
    }

    long size() {
        synchronized (open) {
            return bytes;
        }
    }

    /** A decryption in progress that other readers of the same object wait for. */
    private static final class Opening implements Supplier<byte[]> {
        private byte[] result;
        private boolean finished;

        synchronized void done(byte[] plain) {
            if (!finished) {
                result = plain;
                finished = true;
                notifyAll();
            }
        }

        @Override
        public synchronized byte[] get() {
            while (!finished) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return result;
        }
    }
}
