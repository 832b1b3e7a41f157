package fr.relais.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The open server-sent event streams of one kind of live page, each with what its viewer may hear
 * (V). Sends happen on the streams' own thread, never on the thread that committed a change: a
 * slow browser must not hold up the person who made it. Streams are kept alive, forgotten when the
 * browser goes, and ended before the web server's graceful shutdown (a later phase), which would
 * otherwise wait for these never-ending responses.
 */
final class LiveStreams<V> implements SmartLifecycle {

    /** Long enough to spare reconnections, short enough that a closed laptop frees its slot. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(LiveStreams.class);

    private final Map<SseEmitter, V> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender;
    private volatile boolean running;

    LiveStreams(String name) {
        sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        sender.scheduleWithFixedDelay(() -> streams.keySet().forEach(s -> send(s, SseEmitter.event().comment("keep-alive"))),
                KEEP_ALIVE.toSeconds(), KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Opens a stream for a viewer; the first comment tells the page it is connected. */
    SseEmitter open(V viewer) {
        SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
        streams.put(emitter, viewer);
        emitter.onCompletion(() -> streams.remove(emitter));
        emitter.onTimeout(() -> {
            streams.remove(emitter);
            emitter.complete();
        });
        emitter.onError(e -> streams.remove(emitter));
        sender.execute(() -> send(emitter, SseEmitter.event().comment("ouvert").reconnectTime(3000)));
        return emitter;
    }

    /** Sends each viewer the event made for them; a null event means this viewer does not hear it. */
    void publish(Function<V, SseEmitter.SseEventBuilder> eventFor) {
        sender.execute(() -> streams.forEach((emitter, viewer) -> {
            SseEmitter.SseEventBuilder event = eventFor.apply(viewer);
            if (event != null) {
                send(emitter, event);
            }
        }));
    }

    private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException gone) {
            // The browser went away: forget it; the container completes the emitter.
            streams.remove(emitter);
            log.debug("live stream closed: {}", gone.toString());
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        sender.shutdownNow();
        streams.keySet().forEach(SseEmitter::complete);
        streams.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
