package fr.relais.live;

import fr.relais.request.RequestChanged;
import fr.relais.security.AccountPrincipal;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open request pages and what they are told when a request changes. Hospital users hear of
 * their own hospital's requests only; the platform's staff hear of all.
 *
 * <p>In-process only: a change made on another instance is not seen here (the worklist's
 * NOTIFY channel should carry these too).
 */
@Component
public class LiveRequests {

    /** hospitalId is null for viewers who see every hospital. */
    record Viewer(Long hospitalId) {}

    private final LiveStreams<Viewer> streams;

    LiveRequests(LiveStreams<Viewer> streams) {
        this.streams = streams;
    }

    /** Opens a stream for a logged-in viewer. */
    public SseEmitter open(AccountPrincipal viewer) {
        return streams.open(new Viewer(viewer.role().isHospitalRole() ? viewer.hospitalId() : null));
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
        // One builder per stream: a builder is consumed by the send.
        streams.publish(viewer -> viewer.hospitalId() == null || viewer.hospitalId() == change.hospitalId()
                ? SseEmitter.event().name("request").data(payload, MediaType.APPLICATION_JSON) : null);
    }
}
