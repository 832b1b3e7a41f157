package fr.relais.dicom;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One deadline for a whole exchange on a socket (connect, send, every read of the answer): a read
 * timeout alone lets a peer that dribbles one byte a second hold the caller forever, and a write
 * has no timeout at all. At the deadline the socket is closed, which ends any call blocked on it.
 */
public final class SocketDeadline implements AutoCloseable {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Socket socket;
    private final Duration timeout;
    private final long endNanos;
    private final ScheduledFuture<?> closing;
    private volatile boolean expired;

    private SocketDeadline(Socket socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
        this.endNanos = System.nanoTime() + timeout.toNanos();
        this.closing = TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the clock of an exchange on this (not yet connected) socket. */
    public static SocketDeadline of(Socket socket, Duration timeout) {
        return new SocketDeadline(socket, timeout);
    }

    /** What is left, for a connect or read timeout (at least 1 ms); a SocketTimeoutException once it is over. */
    public int remainingMillis() throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
        if (left <= 0 || expired) {
            throw timedOut();
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, left));
    }

    /** Whether the deadline passed (the socket was closed for it). */
    public boolean expired() {
        return expired || System.nanoTime() - endNanos >= 0;
    }

    /** The failure to report in place of the "socket closed" that the deadline caused. */
    public SocketTimeoutException timedOut() {
        return new SocketTimeoutException("no complete exchange within " + timeout.toMillis() + " ms");
    }

    /** Stops the clock: the exchange is over. */
    @Override
    public void close() {
        closing.cancel(false);
    }

    private void expire() {
        expired = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "socket-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
