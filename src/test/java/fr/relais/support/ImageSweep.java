package fr.relais.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * "Every acknowledged image stays visible somewhere: in an exam, a task, or the unmatched list"
 * (ARCHITECTURE.md), checked on the database after a scenario: an indexed instance whose study no
 * exam in a shown state, no task and no unmatched entry accounts for was acknowledged and then
 * lost. Call {@link #assertNothingLost} at the end of each scenario, for the hospitals it used (the
 * shared server's other tests are theirs to sweep).
 *
 * <p>A feature that keeps images visible another way (a task, say) adds its condition with
 * {@link #alsoAccountedBy}, once, from its tests.
 */
public final class ImageSweep {

    /**
     * Conditions on {@code s} (study) and {@code i} (instance) under which an image is shown
     * somewhere. An exam in any state but CANCELLED, REFUSED and PURGED is on a screen: a request
     * (held images), the worklist, the identity checks, the unmatched list (UNMATCHED), a report;
     * but a signed report was written without the images that came after its signature, so those
     * need something else (a task) to account for them.
     */
    private static final List<String> ACCOUNTED = new CopyOnWriteArrayList<>(List.of("""
            exists (select 1 from exam shown where shown.study_id = s.id
                    and shown.state not in ('CANCELLED', 'REFUSED', 'PURGED')
                    and not (shown.state in ('REPORTED', 'DELIVERED') and i.received_at > (
                        select max(signed.at) from exam_event signed
                        where signed.exam_id = shown.id and signed.to_state = 'REPORTED')))"""));

    private ImageSweep() {}

    /** Another way a study's images stay visible: an SQL condition on {@code s} (study) and {@code i} (instance). */
    public static void alsoAccountedBy(String condition) {
        if (!ACCOUNTED.contains(condition)) {
            ACCOUNTED.add(condition);
        }
    }

    /** An acknowledged instance that nothing shows, with the exams its study had (state by id). */
    public record LostImage(long instanceId, String sopInstanceUid, long studyId, long hospitalId, String exams) {}

    /** The hospitals' instances that no exam, task or unmatched entry accounts for. */
    public static List<LostImage> lostImages(JdbcClient jdbc, long... hospitalIds) {
        if (hospitalIds.length == 0) {
            return List.of();
        }
        String accounted = ACCOUNTED.stream().map(c -> "(" + c + ")").collect(Collectors.joining(" or "));
        return jdbc.sql("""
                select i.id as instance_id, i.sop_instance_uid, s.id as study_id, s.hospital_id,
                       coalesce((select string_agg(e.id || ':' || e.state, ', ' order by e.id)
                                 from exam e where e.study_id = s.id), 'no exam') as exams
                from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.hospital_id in (:hospitals) and not (""" + accounted + ") order by i.id")
                .param("hospitals", Arrays.stream(hospitalIds).boxed().toList())
                .query(LostImage.class)
                .list();
    }

    /** Fails naming the lost instances, if any. */
    public static void assertNothingLost(JdbcClient jdbc, long... hospitalIds) {
        List<LostImage> lost = lostImages(jdbc, hospitalIds);
        if (!lost.isEmpty()) {
            throw new AssertionError(lost.size() + " acknowledged instances no screen shows: " + lost);
        }
    }
}
