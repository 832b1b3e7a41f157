package fr.relais.audit;

import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refusals that anyone on the network can cause by the thousand (a bad token, an unknown AE title,
 * a name that is no account, a login attempt refused before it was checked) must not fill the
 * permanent audit trail. Per action, source and actor, the first refusal is written at once as
 * usual; the others of the same minute are counted and written as one entry with their count when
 * the minute ends. So a flood leaves at most two entries a minute per source and kind, and at most
 * {@code relais.audit.refusal-keys} kinds of (action, source, actor) a minute: past that, the rest
 * is counted under source "*".
 * A refusal that names a real account or hospital on its merits (a wrong password, a hospital's
 * AE title from the wrong place) goes through {@link AuditLog#record} one by one, not through here.
 */
@Service
public class RefusedAttempts {

    /** The source under which refusals are counted once too many distinct ones came in a minute. */
    static final String OVERFLOW_SOURCE = "*";

    private record Key(String action, String source, String actor) {}

    private static final class Tally {
        final Instant since;
        final String firstDetail;
        int more;
        String lastDetail;

        Tally(Instant since, String detail) {
            this.since = since;
            this.firstDetail = detail;
        }
    }

    private final AuditLog audit;
    private final Clock clock;
    private final int maxKeys;
    private final ConcurrentHashMap<Key, Tally> open = new ConcurrentHashMap<>();

    RefusedAttempts(AuditLog audit, Clock clock, @Value("${relais.audit.refusal-keys:10000}") int maxKeys) {
        this.audit = audit;
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /** One refused attempt; actor is what names it (keep it stable for what is attacker-chosen). */
    public void refused(String actor, String action, String source, String detail) {
        Key key = new Key(action, source == null ? "" : source, actor);
        if (open.size() >= maxKeys && !open.containsKey(key)) {
            key = new Key(action, OVERFLOW_SOURCE, "*");
        }
        boolean[] first = {false};
        open.compute(key, (k, tally) -> {
            if (tally == null) {
                first[0] = true;
                return new Tally(clock.instant(), detail);
            }
            tally.more++;
            tally.lastDetail = detail;
            return tally;
        });
        if (first[0]) {
            audit.record(key.actor(), action, null, OVERFLOW_SOURCE.equals(key.source()) ? OVERFLOW_SOURCE : source,
                    AuditLog.Outcome.REJECTED, detail);
        }
    }

    /** Writes the count of every minute's refusals beyond the first, and starts new minutes. */
    @Scheduled(fixedDelayString = "${relais.audit.refusal-minute-millis:60000}")
    public void flush() {
        for (Key key : open.keySet()) {
            Tally tally = open.remove(key);
            if (tally != null && tally.more > 0) {
                String detail = tally.more + " more refused since " + tally.since
                        + (tally.lastDetail == null || tally.lastDetail.equals(tally.firstDetail) ? "" : ", last: " + tally.lastDetail);
                audit.record(key.actor(), key.action(), null, key.source(), AuditLog.Outcome.REJECTED,
                        detail.length() > 500 ? detail.substring(0, 500) : detail);
            }
        }
    }

    @PreDestroy
    void flushAtStop() {
        flush();
    }
}
