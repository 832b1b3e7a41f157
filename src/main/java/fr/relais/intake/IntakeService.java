package fr.relais.intake;

import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomHeader.InvalidObjectException;
import fr.relais.dicom.Part10;
import fr.relais.dicom.Uids;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.storage.ObjectStore;
import fr.relais.storage.ObjectStore.Segment;
import fr.relais.storage.ObjectStore.StoredObject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The one pipeline every received object goes through, from C-STORE and STOW-RS alike: parse,
 * check, encrypt and fsync, index in one transaction. Only then may the sender hear "stored".
 */
@Service
public class IntakeService {

    private static final Logger log = LoggerFactory.getLogger(IntakeService.class);

    /** What became of one object. */
    public enum Result { STORED, ALREADY_STORED, INVALID, MISMATCH, UNSUPPORTED_CLASS, FAILED }

    /** The outcome, with the reason a sender can act on when it was not stored. */
    public record Outcome(Result result, String reason, DicomHeader header) {
        static Outcome invalid(String reason) {
            return new Outcome(Result.INVALID, reason, null);
        }

        public boolean stored() {
            return result == Result.STORED || result == Result.ALREADY_STORED;
        }
    }

    private final ObjectStore store;
    private final StudyIndex index;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Counter storedCounter;
    private final Counter refusedCounter;

    IntakeService(ObjectStore store, StudyIndex index, TransactionTemplate tx, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.index = index;
        this.tx = tx;
        this.clock = clock;
        this.storedCounter = meters.counter("relais.intake.instances", "result", "stored");
        this.refusedCounter = meters.counter("relais.intake.instances", "result", "refused");
    }

    /** A data set received by C-STORE, with the UIDs its command announced. */
    public Outcome receiveDataSet(HospitalRef hospital, String callingAe, String commandSopClass,
                                  String commandSopInstance, String transferSyntax, byte[] data, int length) {
        DicomHeader header;
        try {
            header = DicomHeader.parse(transferSyntax, data, length);
        } catch (InvalidObjectException e) {
            return invalid(e.getMessage());
        }
        if (!header.sopClassUid().equals(commandSopClass) || !header.sopInstanceUid().equals(commandSopInstance)) {
            return invalid("data set UIDs differ from the C-STORE command");
        }
        byte[] meta = Part10.fileMetaHeader(header.sopClassUid(), header.sopInstanceUid(), transferSyntax, callingAe);
        return storeAndIndex(hospital, callingAe, header, transferSyntax,
                List.of(Segment.of(meta), new Segment(data, 0, length)));
    }

    /** A Part 10 file received by STOW-RS; expectedStudyUid, when given, is the study it must belong to. */
    public Outcome receiveFile(HospitalRef hospital, String actor, byte[] file, String expectedStudyUid) {
        DicomHeader header;
        String transferSyntax;
        try {
            header = DicomHeader.parseFile(file);
            transferSyntax = Part10.transferSyntax(file);
        } catch (InvalidObjectException e) {
            return invalid(e.getMessage());
        }
        if (expectedStudyUid != null && !expectedStudyUid.equals(header.studyInstanceUid())) {
            refusedCounter.increment();
            return new Outcome(Result.MISMATCH, "instance belongs to another study than the target", header);
        }
        return storeAndIndex(hospital, actor, header, transferSyntax, List.of(Segment.of(file)));
    }

    private Outcome storeAndIndex(HospitalRef hospital, String source, DicomHeader header, String transferSyntax,
                                  List<Segment> content) {
        if (!Uids.isReceivedClass(header.sopClassUid())) {
            refusedCounter.increment();
            return new Outcome(Result.UNSUPPORTED_CLASS, "SOP class " + header.sopClassUid() + " is not received", header);
        }
        StoredObject object;
        try {
            object = store.put(content);
        } catch (IOException e) {
            log.error("hospital {}: cannot write an object: {}", hospital.id(), e.toString());
            return new Outcome(Result.FAILED, "storage unavailable; retry later", header);
        }
        Instant now = clock.instant();
        boolean added;
        try {
            added = Boolean.TRUE.equals(tx.execute(status -> {
                long studyId = index.ensureStudy(hospital.id(), header, now, source);
                long seriesId = index.ensureSeries(studyId, header);
                return index.addInstance(studyId, seriesId, header, transferSyntax, object.key(), object.size(),
                        now, source);
            }));
        } catch (RuntimeException e) {
            log.error("hospital {}: cannot index an object", hospital.id(), e);
            deleteQuietly(object.key());
            return new Outcome(Result.FAILED, "index unavailable; retry later", header);
        }
        if (!added) {
            // The first copy stays; this one was never indexed.
            deleteQuietly(object.key());
            return new Outcome(Result.ALREADY_STORED, null, header);
        }
        storedCounter.increment();
        return new Outcome(Result.STORED, null, header);
    }

    private Outcome invalid(String reason) {
        refusedCounter.increment();
        return Outcome.invalid(reason);
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException e) {
            log.warn("could not delete unindexed object {}: {}", key, e.toString());
        }
    }
}
