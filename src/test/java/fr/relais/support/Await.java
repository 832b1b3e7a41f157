package fr.relais.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for what the server does in the background (stability window, matching), polling. */
public final class Await {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {}

    /** Polls probe until done accepts its value, then returns that value; fails after 30 s naming what. */
    public static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
        Instant deadline = Instant.now().plus(LIMIT);
        T last = null;
        while (Instant.now().isBefore(deadline)) {
            last = probe.get();
            if (last != null && done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("waited " + LIMIT.toSeconds() + " s for " + what + "; last seen: " + last);
    }
}
