package fr.relais.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the outbox: a round every relais.delivery.poll, or at once when a report is signed; the
 * sends themselves on a few threads, so that one silent RIS does not hold the others back. Several
 * instances on one database share the work through the outbox's row locks.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final DeliveryService deliveries;
    private final DeliverySettings settings;
    private final Object signal = new Object();
    private volatile boolean running;
    private boolean woken;
    private Thread loop;
    private ExecutorService senders;
    private Semaphore free;

    DeliveryWorker(DeliveryService deliveries, DeliverySettings settings) {
        this.deliveries = deliveries;
        this.settings = settings;
    }

    @Override
    public void start() {
        AtomicInteger n = new AtomicInteger();
        free = new Semaphore(Math.max(1, settings.senders()));
        senders = Executors.newFixedThreadPool(Math.max(1, settings.senders()), r -> {
            Thread t = new Thread(r, "delivery-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        deliveries.onWake(this::wake);
        running = true;
        loop = new Thread(this::run, "delivery-outbox");
        loop.setDaemon(true);
        loop.start();
    }

    private void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                // Never more leased than free senders: a leased row waits for no queue, so its lease holds.
                for (DeliveryOutbox.Job job : deliveries.due(free.availablePermits())) {
                    free.acquireUninterruptibly();
                    senders.execute(() -> {
                        try {
                            deliveries.deliver(job);
                        } finally {
                            free.release();
                            wake();
                        }
                    });
                }
            } catch (RuntimeException e) {
                log.warn("delivery round failed, trying again: {}", e.toString());
            }
            synchronized (signal) {
                try {
                    if (!woken && running) {
                        signal.wait(settings.poll().toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                woken = false;
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        wake();
        senders.shutdown();
        try {
            senders.awaitTermination(settings.sendTimeout().toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
