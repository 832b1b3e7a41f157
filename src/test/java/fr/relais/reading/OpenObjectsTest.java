package fr.relais.reading;

import fr.relais.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class OpenObjectsTest {

    private static final int MB = 1 << 20;

    @Test
    void anObjectReadAgainIsNotDecryptedAgain() throws Exception {
        ObjectStore store = mock(ObjectStore.class);
        when(store.read("a")).thenReturn(new byte[]{1, 2, 3});
        OpenObjects objects = new OpenObjects(store, 1, new SimpleMeterRegistry());

        assertThat(objects.read("a")).containsExactly(1, 2, 3);
        assertThat(objects.read("a")).containsExactly(1, 2, 3);
        verify(store, times(1)).read("a");
    }

    @Test
    void theLeastRecentlyReadLeaveFirstWhenTheBoundIsReached() throws Exception {
        ObjectStore store = mock(ObjectStore.class);
        when(store.read(anyString())).thenAnswer(call -> new byte[MB / 2]);
        OpenObjects objects = new OpenObjects(store, 1, new SimpleMeterRegistry());

        objects.read("a");
        objects.read("b");
        objects.read("a"); // a is now the most recent
        objects.read("c"); // one megabyte holds two: b leaves

        assertThat(objects.size()).isEqualTo(MB);
        objects.read("a");
        objects.read("c");
        verify(store, times(1)).read("a");
        objects.read("b");
        verify(store, times(2)).read("b");
    }

    @Test
    void aFailureIsNotKeptAndZeroTurnsTheMemoryOff() throws Exception {
        ObjectStore store = mock(ObjectStore.class);
        when(store.read("broken")).thenThrow(new IOException("fails its integrity check"));
        when(store.read("a")).thenReturn(new byte[]{1});
        OpenObjects objects = new OpenObjects(store, 1, new SimpleMeterRegistry());
        assertThatThrownBy(() -> objects.read("broken")).hasMessageContaining("integrity");
        assertThatThrownBy(() -> objects.read("broken")).hasMessageContaining("integrity");
        verify(store, times(2)).read("broken");

        OpenObjects off = new OpenObjects(store, 0, new SimpleMeterRegistry());
        off.read("a");
        off.read("a");
        verify(store, times(2)).read("a");
        assertThat(off.size()).isZero();
    }

    @Test
    void readersOfTheSameObjectAtOnceShareOneDecryption() throws Exception {
        ObjectStore store = mock(ObjectStore.class);
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger decryptions = new AtomicInteger();
        when(store.read("a")).thenAnswer(call -> {
            decryptions.incrementAndGet();
            started.countDown();
            release.await();
            return new byte[]{7};
        });
        OpenObjects objects = new OpenObjects(store, 1, new SimpleMeterRegistry());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<byte[]> first = pool.submit(() -> objects.read("a"));
            started.await();
            Future<byte[]> second = pool.submit(() -> objects.read("a"));
            Future<byte[]> third = pool.submit(() -> objects.read("a"));
            Thread.sleep(100);
            release.countDown();
            assertThat(first.get()).containsExactly(7);
            assertThat(second.get()).containsExactly(7);
            assertThat(third.get()).containsExactly(7);
            assertThat(decryptions).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
