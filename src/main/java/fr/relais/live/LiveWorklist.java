package fr.relais.live;

import fr.relais.roster.Roster;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import fr.relais.worklist.WorklistChanged;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The open worklist pages and what they are told when the common worklist changes. Changes come
 * from PostgreSQL LISTEN/NOTIFY (WorklistNotifications), so every instance hears every change.
 * A radiologist hears of the exams of the hospitals they may read for (known when the page
 * opens) and of the claim-expiring warnings addressed to them; coordinators and administrators
 * hear of everything. Events carry ids only, never patient data: the page fetches itself again.
 */
@Component
public class LiveWorklist {

    /** hospitals is null for viewers who see every hospital. */
    record Viewer(long userId, Set<Long> hospitals) {

        boolean hears(WorklistChanged change) {
            if ("claim-expiring".equals(change.what())) {
                return hospitals == null || isFor(change);
            }
            return hospitals == null || hospitals.contains(change.hospitalId()) || isFor(change);
        }

        boolean isFor(WorklistChanged change) {
            return change.userId() != null && change.userId() == userId;
        }
    }

    private final Roster roster;
    private final LiveStreams<Viewer> streams;

    LiveWorklist(Roster roster, LiveStreams<Viewer> streams) {
        this.roster = roster;
        this.streams = streams;
    }

    /** Opens a stream for a radiologist, coordinator or administrator. */
    public SseEmitter open(AccountPrincipal viewer) {
        boolean seesAll = viewer.role() == Role.COORDINATOR || viewer.role() == Role.ADMIN;
        return streams.open(new Viewer(viewer.id(), seesAll ? null : Set.copyOf(roster.authorisedHospitals(viewer.id()))));
    }

    @EventListener
    public void onWorklistChanged(WorklistChanged change) {
        streams.publish(viewer -> {
            if (!viewer.hears(change)) {
                return null;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("examId", change.examId());
            data.put("what", change.what());
            data.put("mine", viewer.isFor(change));
            return SseEmitter.event().name("worklist").data(data, MediaType.APPLICATION_JSON);
        });
    }
}
