package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.dicom.Bytes;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomHeader.InvalidObjectException;
import fr.relais.dicom.Part10;
import fr.relais.dicom.PixelModule;
import fr.relais.exam.ExamLifecycle;
import fr.relais.storage.ObjectStore;
import fr.relais.storage.ObjectStore.StoredObject;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * After an unclean stop, indexes the objects that were acknowledged but whose index commit never
 * reached the disk ({@link IntakeService} commits without waiting for the WAL). It runs as the
 * first lifecycle phase, so it is over before the web server (STOW-RS, phase
 * {@code SmartLifecycle.DEFAULT_PHASE - 2048} in Boot 3.5) and the DICOM listeners open.
 *
 * <p>It deletes only what the file's own structure shows was never completely written (hence
 * never acknowledged). A complete file that does not decrypt (another master key, corruption) or
 * does not parse is set aside in the quarantine folder, logged and audited, never deleted; admins
 * see it at {@code GET /api/storage/quarantine} and in {@code relais_storage_quarantined}.
 */
@Component
public class IntakeRecovery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IntakeRecovery.class);
    /** Before every door and worker (the web server, the DICOM listeners, the outbox, the AI). */
    static final int PHASE = Integer.MIN_VALUE + 1024;

    /** What one run found: indexed again, removed as half-written, quarantined as unreadable. */
    public record Result(int indexed, int removed, int quarantined) {}

    private final IntakeService intake;
    private final ObjectStore store;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private volatile Result last;

    IntakeRecovery(IntakeService intake, ObjectStore store, JdbcClient jdbc, AuditLog audit, MeterRegistry meters) {
        this.intake = intake;
        this.store = store;
        this.jdbc = jdbc;
        this.audit = audit;
        Gauge.builder("relais.storage.quarantined", store, s -> {
                    try {
                        return s.quarantined().size();
                    } catch (IOException e) {
                        return Double.NaN;
                    }
                })
                .description("stored objects set aside because they could not be read (see GET /api/storage/quarantine)")
                .register(meters);
    }

    @Override
    public void start() {
        last = recover();
    }

    @Override
    public void stop() {
        // nothing runs between starts
    }

    /** True once the start's recovery is over: the doors check it before they open. */
    @Override
    public boolean isRunning() {
        return last != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The start's outcome (null before it ran). */
    public Result lastRun() {
        return last;
    }

    /**
     * Looks at the objects written since shortly before the newest indexed one that have no index
     * row, and indexes, removes or quarantines each.
     */
    public Result recover() {
        OffsetDateTime newest = jdbc.sql("select max(received_at) from instance").query(OffsetDateTime.class)
                .optional().orElse(null);
        Instant from = newest == null ? null : newest.toInstant().minus(Duration.ofHours(1));
        List<String> keys;
        try {
            keys = store.keysSince(from);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the object store for recovery", e);
        }
        Set<String> indexed = new HashSet<>();
        for (int i = 0; i < keys.size(); i += 1000) {
            indexed.addAll(jdbc.sql("select object_key from instance where object_key in (:keys)")
                    .param("keys", keys.subList(i, Math.min(keys.size(), i + 1000))).query(String.class).list());
        }
        int recovered = 0, removed = 0, quarantined = 0;
        for (String key : keys) {
            if (indexed.contains(key)) {
                continue; // acknowledged and indexed: never touched here, whatever its state
            }
            switch (recover(key)) {
                case INDEXED -> recovered++;
                case REMOVED -> removed++;
                case QUARANTINED -> quarantined++;
                case LEFT -> { }
            }
        }
        if (recovered + removed + quarantined > 0) {
            log.warn("recovery: {} objects acknowledged before an unclean stop indexed, {} half-written removed, "
                    + "{} unreadable quarantined", recovered, removed, quarantined);
        }
        return new Result(recovered, removed, quarantined);
    }

    private enum Fate { INDEXED, REMOVED, QUARANTINED, LEFT }

    private Fate recover(String key) {
        try {
            if (store.shape(key) == ObjectStore.Shape.HALF_WRITTEN) {
                // put() and commit() return only after the whole file is on disk: this one was never acknowledged.
                log.warn("recovery: removing object {}, cut short before it was completely written", key);
                store.delete(key);
                return Fate.REMOVED;
            }
        } catch (IOException e) {
            return quarantine(key, "cannot be read: " + e.getMessage());
        }
        // Read by range: a large object's pixels are not decrypted, only its elements' headers.
        try (Bytes file = Bytes.of(store.open(key))) {
            byte[] meta = Part10.head(file);
            IntakeService.Provenance provenance = IntakeService.Provenance.decode(Part10.privateInformation(meta));
            if (provenance == null) {
                log.warn("recovery: object {} has no provenance; left in place for an administrator", key);
                return Fate.LEFT;
            }
            String transferSyntax = Part10.transferSyntax(meta);
            int offset = Part10.dataSetOffset(meta);
            // The walk proves every length before the parser reads any.
            PixelModule pixelModule = PixelModule.of(transferSyntax, file, offset, file.length());
            DicomHeader header = DicomHeader.parseVerified(transferSyntax, file, offset, file.length());
            // The checks of the intake: an object that fails them was refused, never acknowledged.
            Optional<String> pixels = pixelModule.problem(header.sopClassUid(), transferSyntax);
            if (pixels.isPresent()) {
                return quarantine(key, "was refused at intake: " + pixels.get());
            }
            IntakeService.Outcome outcome = intake.indexRecovered(provenance, header, transferSyntax,
                    new StoredObject(key, file.length()), store.lastModified(key));
            return outcome.result() == IntakeService.Result.STORED ? Fate.INDEXED : Fate.LEFT;
        } catch (InvalidObjectException | IllegalArgumentException e) {
            return quarantine(key, "decrypts but does not parse: " + e.getMessage());
        } catch (IOException | java.io.UncheckedIOException e) {
            return quarantine(key, "cannot be read: " + e.getMessage());
        }
    }

    private Fate quarantine(String key, String why) {
        try {
            store.quarantine(key);
        } catch (IOException e) {
            log.error("recovery: object {} {}; could not be moved to quarantine ({}), left in place", key, why, e.toString());
            audit.record(ExamLifecycle.SYSTEM, "STORAGE_OBJECT_UNREADABLE", "object:" + key, null, AuditLog.Outcome.FAILED,
                    why + "; left in place");
            return Fate.LEFT;
        }
        log.error("recovery: object {} is complete but {}; set aside in the quarantine folder, not deleted", key, why);
        audit.record(ExamLifecycle.SYSTEM, "STORAGE_OBJECT_QUARANTINED", "object:" + key, null, AuditLog.Outcome.FAILED, why);
        return Fate.QUARANTINED;
    }
}
