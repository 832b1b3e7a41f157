package fr.relais.live;

import fr.relais.roster.Roster;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import fr.relais.worklist.WorklistChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The open worklist pages and what they are told when the common worklist changes. Changes come
 * from PostgreSQL LISTEN/NOTIFY (WorklistNotifications), so every instance hears every change.
 * A radiologist hears of the exams of the hospitals they may read for (known when the page
 * opens) and of the claim-expiring warnings addressed to them; coordinators and administrators
 * hear of everything. Events carry ids only, never patient data: the page fetches itself again.
 */
@Component
public class LiveWorklist implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveWorklist.class);

    /** One open page: hospitals is null for viewers who see every hospital. */
    private record Listener(SseEmitter emitter, long userId, Set<Long> hospitals) {

        boolean hears(WorklistChanged change) {
            if ("claim-expiring".equals(change.what())) {
                return hospitals == null || (change.userId() != null && change.userId() == userId);
            }
            return hospitals == null || hospitals.contains(change.hospitalId())
                    || (change.userId() != null && change.userId() == userId);
        }
    }

    private final Roster roster;
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-worklist");
        t.setDaemon(true);
        return t;
    });

    LiveWorklist(Roster roster) {
        this.roster = roster;
        long every = LiveRequests.KEEP_ALIVE.toSeconds();
        sender.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.SECONDS);
    }

    /** Opens a stream for a radiologist, coordinator or administrator. */
    public SseEmitter open(AccountPrincipal viewer) {
        SseEmitter emitter = new SseEmitter(LiveRequests.TIMEOUT.toMillis());
        boolean seesAll = viewer.role() == Role.COORDINATOR || viewer.role() == Role.ADMIN;
        Listener listener = new Listener(emitter, viewer.id(),
                seesAll ? null : Set.copyOf(roster.authorisedHospitals(viewer.id())));
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

    @EventListener
    public void onWorklistChanged(WorklistChanged change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("examId", change.examId());
        payload.put("what", change.what());
        sender.execute(() -> {
            for (Listener listener : listeners) {
                if (listener.hears(change)) {
                    Map<String, Object> data = new LinkedHashMap<>(payload);
                    data.put("mine", change.userId() != null && change.userId() == listener.userId());
                    send(listener, SseEmitter.event().name("worklist").data(data, MediaType.APPLICATION_JSON));
                }
            }
        });
    }

    /** How many worklist pages are open: for tests and metrics. */
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
            listeners.remove(listener);
            log.debug("live worklist stream closed: {}", gone.toString());
        }
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /** Ends the open streams before the web server's graceful shutdown, like LiveRequests. */
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
