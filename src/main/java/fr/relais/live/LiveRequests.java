package fr.relais.live;

import fr.relais.request.RequestChanged;
import fr.relais.security.AccountPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.context.event.EventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The open live pages and what they are told when a request changes. Hospital users hear of
 * their own hospital's requests only; the platform's staff hear of all.
 *
 * <p>In-process only: a change made on another instance is not seen here. Issue 4 brings
 * PostgreSQL LISTEN/NOTIFY so that every instance hears every change.
 */
@Component
public class LiveRequests implements SmartLifecycle {

    /** Long enough to spare reconnections, short enough that a closed laptop frees its slot. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(LiveRequests.class);

    /** One open page: hospitalId is null for viewers who see every hospital. */
    private record Listener(SseEmitter emitter, Long hospitalId) {}

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    // Sends happen here, never on the thread that committed the change: a slow browser must not
    // hold up a physician filing a request.
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-requests");
        t.setDaemon(true);
        return t;
    });

    LiveRequests() {
        sender.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE.toSeconds(), KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Opens a stream for a logged-in viewer. */
    public SseEmitter open(AccountPrincipal viewer) {
        SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
        Listener listener = new Listener(emitter, viewer.role().isHospitalRole() ? viewer.hospitalId() : null);
        listeners.add(listener);
        emitter.onCompletion(() -> listeners.remove(listener));
        emitter.onTimeout(() -> {
            listeners.remove(listener);
            emitter.complete();
        });
        emitter.onError(e -> listeners.remove(listener));
        sender.execute(() -> send(listener, SseEmitter.event().comment("ouvert").reconnectTime(3000)));
        return emitter;
    }

    /**
     * Publishers send RequestChanged only once their change is committed (the request service
     * after its transaction, the study matcher from an after-commit callback, where a
     * transactional listener would be registered too late and never called).
     */
    @EventListener
    public void onRequestChanged(RequestChanged change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("examId", change.examId());
        payload.put("state", change.state() == null ? null : change.state().name());
        payload.put("urgency", change.urgency() == null ? null : change.urgency().name());
        payload.put("what", change.what());
        sender.execute(() -> {
            for (Listener listener : listeners) {
                if (listener.hospitalId() == null || listener.hospitalId() == change.hospitalId()) {
                    send(listener, SseEmitter.event().name("request").data(payload, MediaType.APPLICATION_JSON));
                }
            }
        });
    }

    /** How many pages are open: for tests and metrics. */
    public int openStreams() {
        return listeners.size();
    }

    private void keepAlive() {
        for (Listener listener : listeners) {
            send(listener, SseEmitter.event().comment("keep-alive"));
        }
    }

    private void send(Listener listener, SseEmitter.SseEventBuilder event) {
        try {
            listener.emitter().send(event);
        } catch (IOException | IllegalStateException gone) {
            // The browser went away: forget it; the container completes the emitter.
            listeners.remove(listener);
            log.debug("live stream closed: {}", gone.toString());
        }
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends the open streams before the web server's graceful shutdown (a later phase), which
     * would otherwise wait for these never-ending responses.
     */
    @Override
    public void stop() {
        running = false;
        sender.shutdownNow();
        listeners.forEach(l -> l.emitter().complete());
        listeners.clear();
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
