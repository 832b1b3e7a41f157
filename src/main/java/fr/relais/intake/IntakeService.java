package fr.relais.intake;

import fr.relais.dicom.AssociationHandler.DataSetSpool;
import fr.relais.dicom.Bytes;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomHeader.InvalidObjectException;
import fr.relais.dicom.Part10;
import fr.relais.dicom.PixelModule;
import fr.relais.dicom.Uids;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.request.LateImages;
import fr.relais.storage.ObjectStore;
import fr.relais.storage.ObjectStore.Segment;
import fr.relais.storage.ObjectStore.StoredObject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one pipeline every received object goes through, from C-STORE and STOW-RS alike: parse,
 * check, encrypt and fsync, index. Only then may the sender hear "stored".
 *
 * <p>The fsync'd object is the durable record: its meta header says which hospital sent it, so
 * the index can be rebuilt from it. That lets the index commit without waiting for its own WAL
 * flush (the slowest step on a virtual disk); after a crash, {@link IntakeRecovery} indexes the
 * few objects whose commit did not reach the disk, before the HTTP and DICOM ports open.
 */
@Service
public class IntakeService {

    private static final Logger log = LoggerFactory.getLogger(IntakeService.class);

    /** What became of one object. */
    public enum Result { STORED, ALREADY_STORED, INVALID, MISMATCH, UNSUPPORTED_CLASS, FAILED }

    /** The outcome, with the reason a sender can act on when it was not stored. */
    /** studyId: the study the instance is indexed in, when it was stored (now or before). */
    public record Outcome(Result result, String reason, DicomHeader header, Long studyId) {
        Outcome(Result result, String reason, DicomHeader header) {
            this(result, reason, header, null);
        }

        static Outcome invalid(String reason) {
            return new Outcome(Result.INVALID, reason, null);
        }

        public boolean stored() {
            return result == Result.STORED || result == Result.ALREADY_STORED;
        }

        /** The C-STORE status that tells the sender: success, or the failure with the reason. */
        public fr.relais.dicom.AssociationHandler.StoreStatus dicomStatus() {
            return switch (result) {
                case STORED, ALREADY_STORED -> fr.relais.dicom.AssociationHandler.StoreStatus.SUCCESS;
                case UNSUPPORTED_CLASS -> fr.relais.dicom.AssociationHandler.StoreStatus.sopClassNotSupported(reason);
                case INVALID, MISMATCH -> fr.relais.dicom.AssociationHandler.StoreStatus.cannotUnderstand(reason);
                case FAILED -> fr.relais.dicom.AssociationHandler.StoreStatus.outOfResources(reason);
            };
        }
    }

    /**
     * Who sent an object: written into its meta header, read back by the recovery. prior: fetched
     * from the hospital's PACS as a prior, never an exam of its own.
     */
    record Provenance(long hospitalId, String source, boolean prior) {
        Provenance(long hospitalId, String source) {
            this(hospitalId, source, false);
        }

        byte[] encode() {
            return ("hospital=" + hospitalId + "\nsource=" + source + "\n" + (prior ? "prior=1\n" : ""))
                    .getBytes(StandardCharsets.US_ASCII);
        }

        static Provenance decode(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            Long hospital = null;
            String source = null;
            boolean prior = false;
            for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
                String l = line.replace("\0", "").trim();
                if (l.startsWith("hospital=")) {
                    hospital = Long.valueOf(l.substring("hospital=".length()));
                } else if (l.startsWith("source=")) {
                    source = l.substring("source=".length());
                } else if (l.equals("prior=1")) {
                    prior = true;
                }
            }
            return hospital == null || source == null ? null : new Provenance(hospital, source, prior);
        }
    }

    private final ObjectStore store;
    private final StudyIndex index;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Counter storedCounter;
    private final Counter refusedCounter;
    private final LateImages lateImages;

    IntakeService(ObjectStore store, StudyIndex index, TransactionTemplate tx, JdbcClient jdbc, Clock clock,
                  MeterRegistry meters, LateImages lateImages) {
        this.lateImages = lateImages;
        this.store = store;
        this.index = index;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.storedCounter = meters.counter("relais.intake.instances", "result", "stored");
        this.refusedCounter = meters.counter("relais.intake.instances", "result", "refused");
    }

    /** The DICOM door asked this hospital to send again later (A700): its pages say so, with the time. */
    void recordRetryLater(long hospitalId) {
        jdbc.sql("""
                insert into intake_retry_later (hospital_id, last_at) values (:h, :at)
                on conflict (hospital_id) do update set last_at = excluded.last_at,
                                                        times = intake_retry_later.times + 1""")
                .param("h", hospitalId).param("at", clock.instant().atOffset(java.time.ZoneOffset.UTC)).update();
    }

    /** When Relais last asked the hospital to send again later, if it did since {@code since}. */
    public java.util.Optional<Instant> askedToRetryLaterSince(long hospitalId, Instant since) {
        return jdbc.sql("select last_at from intake_retry_later where hospital_id = :h and last_at >= :since")
                .param("h", hospitalId).param("since", since.atOffset(java.time.ZoneOffset.UTC))
                .query(java.time.OffsetDateTime.class).optional().map(java.time.OffsetDateTime::toInstant);
    }

    /** The hospital's study with this UID if it holds images (a prior already here need not be fetched). */
    public Optional<Long> storedStudy(long hospitalId, String studyUid) {
        return jdbc.sql("select id from study where hospital_id = :h and study_uid = :uid and instance_count > 0")
                .param("h", hospitalId).param("uid", studyUid).query(Long.class).optional();
    }

    /** A data set received by C-STORE, with the UIDs its command announced. */
    public Outcome receiveDataSet(HospitalRef hospital, String callingAe, String commandSopClass,
                                  String commandSopInstance, String transferSyntax, byte[] data, int length) {
        return receiveDataSet(new Provenance(hospital.id(), callingAe), callingAe, commandSopClass, commandSopInstance,
                transferSyntax, data, length, studyUid -> true);
    }

    private Outcome receiveDataSet(Provenance provenance, String callingAe, String commandSopClass,
                                   String commandSopInstance, String transferSyntax, byte[] data, int length,
                                   java.util.function.Predicate<String> requested) {
        DicomHeader header;
        try {
            header = DicomHeader.parse(transferSyntax, data, length);
        } catch (InvalidObjectException e) {
            return invalid(e.getMessage());
        }
        if (!header.sopClassUid().equals(commandSopClass) || !header.sopInstanceUid().equals(commandSopInstance)) {
            return invalid("data set UIDs differ from the C-STORE command");
        }
        if (!requested.test(header.studyInstanceUid())) {
            refusedCounter.increment();
            return new Outcome(Result.MISMATCH, "study " + header.studyInstanceUid() + " was not asked of this PACS",
                    header);
        }
        return storeAndIndex(provenance, callingAe, header, transferSyntax, new Segment(data, 0, length));
    }

    /**
     * A data set the hospital's PACS sent because Relais asked it for priors (C-MOVE): stored and
     * indexed like any other, encrypted, but as a study without an exam of its own (no new exam, no
     * unmatched entry); refused unless requested says its study was asked for.
     */
    public Outcome receivePriorDataSet(HospitalRef hospital, String callingAe, String commandSopClass,
                                       String commandSopInstance, String transferSyntax, byte[] data, int length,
                                       java.util.function.Predicate<String> requested) {
        return receiveDataSet(new Provenance(hospital.id(), callingAe, true), callingAe, commandSopClass,
                commandSopInstance, transferSyntax, data, length, requested);
    }

    /**
     * A data set too large for memory, written to the store as it arrives behind the meta header
     * its C-STORE command gives (the same one {@link #receiveDataSet} writes); {@link #receiveSpooled}
     * checks and indexes it once whole. Closed without that, it is removed.
     */
    public Spool spool(HospitalRef hospital, String callingAe, String commandSopClass, String commandSopInstance,
                       String transferSyntax) throws IOException {
        return spool(new Provenance(hospital.id(), callingAe), callingAe, commandSopClass, commandSopInstance,
                transferSyntax, "the C-STORE command");
    }

    /**
     * The same for a large STOW-RS part, from its first bytes (prefix[0..length), its whole meta
     * header at least): our meta header replaces the sender's, as {@link #receiveFile} does, with
     * the UIDs and transfer syntax the sender's declares.
     */
    public Spool spoolFile(HospitalRef hospital, String actor, byte[] prefix, int length)
            throws IOException, InvalidObjectException {
        byte[] meta = Part10.head(Bytes.of(prefix, length));
        int offset;
        try {
            offset = Part10.dataSetOffset(meta);
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectException("not a DICOM Part 10 file (no DICM preamble)");
        }
        if (offset < 144 || offset > length) {
            throw new InvalidObjectException("DICOM file meta header is truncated or implausibly long");
        }
        Spool spool = spool(new Provenance(hospital.id(), actor), null, Part10.sopClass(meta), Part10.sopInstance(meta),
                Part10.transferSyntax(meta), "the file meta header");
        try {
            spool.write(prefix, offset, length - offset);
        } catch (IOException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private Spool spool(Provenance provenance, String sourceAe, String sopClass, String sopInstance,
                        String transferSyntax, String declaredBy) throws IOException {
        byte[] meta = Part10.fileMetaHeader(sopClass, sopInstance, transferSyntax, sourceAe, provenance.encode());
        ObjectStore.Writer writer = store.writer();
        try {
            writer.write(meta, 0, meta.length);
        } catch (IOException e) {
            writer.close();
            throw e;
        }
        return new Spool(writer, provenance, sopClass, sopInstance, transferSyntax, declaredBy, meta.length);
    }

    /** A data set on its way to the store; see {@link #spool}. */
    public static final class Spool implements DataSetSpool {
        private final ObjectStore.Writer writer;
        private final Provenance provenance;
        /** What declared the UIDs the data set must carry: the C-STORE command, a file's meta header. */
        private final String sopClass, sopInstance, transferSyntax, declaredBy;
        private final int metaLength;

        private Spool(ObjectStore.Writer writer, Provenance provenance, String sopClass, String sopInstance,
                      String transferSyntax, String declaredBy, int metaLength) {
            this.declaredBy = declaredBy;
            this.writer = writer;
            this.provenance = provenance;
            this.sopClass = sopClass;
            this.sopInstance = sopInstance;
            this.transferSyntax = transferSyntax;
            this.metaLength = metaLength;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writer.write(bytes, offset, length);
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (IOException e) {
                log.warn("could not remove the unfinished object {}: {}", writer.key(), e.toString());
            }
        }
    }

    /**
     * The spooled data set is whole: made durable, then checked as any other (read back by range:
     * only its elements' headers, not its pixels, for an uncompressed one), then indexed; anything
     * but a stored outcome removes it.
     */
    public Outcome receiveSpooled(Spool spool) {
        return receiveSpooled(spool, null);
    }

    /** {@link #receiveSpooled(Spool)} of a STOW-RS part; expectedStudyUid as for {@link #receiveFile}. */
    public Outcome receiveSpooled(Spool spool, String expectedStudyUid) {
        StoredObject object;
        try {
            object = spool.writer.commit();
        } catch (IOException e) {
            log.error("hospital {}: cannot write an object: {}", spool.provenance.hospitalId(), e.toString());
            return new Outcome(Result.FAILED, "storage unavailable; retry later", null);
        }
        Outcome outcome;
        try (Bytes file = Bytes.of(store.open(object.key()))) {
            outcome = checkSpooled(spool, file, object, expectedStudyUid);
        } catch (IOException | UncheckedIOException e) {
            log.error("hospital {}: cannot read back object {}: {}", spool.provenance.hospitalId(), object.key(), e.toString());
            outcome = new Outcome(Result.FAILED, "storage unavailable; retry later", null);
        }
        if (!outcome.stored()) {
            deleteQuietly(object.key());
        }
        return outcome;
    }

    private Outcome checkSpooled(Spool spool, Bytes file, StoredObject object, String expectedStudyUid) {
        PixelModule module;
        DicomHeader header;
        try {
            // The walk proves every length before the parser reads any.
            module = PixelModule.of(spool.transferSyntax, file, spool.metaLength, file.length());
            header = DicomHeader.parseVerified(spool.transferSyntax, file, spool.metaLength, file.length());
        } catch (InvalidObjectException e) {
            return invalid(e.getMessage());
        }
        if (!header.sopClassUid().equals(spool.sopClass) || !header.sopInstanceUid().equals(spool.sopInstance)) {
            return invalid("data set UIDs differ from " + spool.declaredBy);
        }
        if (expectedStudyUid != null && !expectedStudyUid.equals(header.studyInstanceUid())) {
            refusedCounter.increment();
            return new Outcome(Result.MISMATCH, "instance belongs to another study than the target", header);
        }
        Optional<Outcome> refused = refusal(header, spool.transferSyntax, () -> module);
        if (refused.isPresent()) {
            return refused.get();
        }
        return counted(index(spool.provenance, header, spool.transferSyntax, object, clock.instant()));
    }

    /** A Part 10 file received by STOW-RS; expectedStudyUid, when given, is the study it must belong to. */
    public Outcome receiveFile(HospitalRef hospital, String actor, byte[] file, String expectedStudyUid) {
        DicomHeader header;
        String transferSyntax;
        int offset;
        try {
            header = DicomHeader.parseFile(file);
            transferSyntax = Part10.transferSyntax(file);
            offset = Part10.dataSetOffset(file);
        } catch (InvalidObjectException e) {
            return invalid(e.getMessage());
        }
        if (expectedStudyUid != null && !expectedStudyUid.equals(header.studyInstanceUid())) {
            refusedCounter.increment();
            return new Outcome(Result.MISMATCH, "instance belongs to another study than the target", header);
        }
        // Our own meta header replaces the sender's, so that every stored object carries its provenance.
        return storeAndIndex(new Provenance(hospital.id(), actor), null, header, transferSyntax,
                new Segment(file, offset, file.length - offset));
    }

    private Outcome storeAndIndex(Provenance provenance, String sourceAe, DicomHeader header, String transferSyntax,
                                  Segment dataSet) {
        // Before anything is written: every later reader sizes its work on this header.
        Optional<Outcome> refused = refusal(header, transferSyntax, () -> PixelModule.of(transferSyntax, dataSet.bytes(),
                dataSet.offset(), dataSet.offset() + dataSet.length()));
        if (refused.isPresent()) {
            return refused.get();
        }
        byte[] meta = Part10.fileMetaHeader(header.sopClassUid(), header.sopInstanceUid(), transferSyntax, sourceAe,
                provenance.encode());
        StoredObject object;
        try {
            object = store.put(List.of(Segment.of(meta), dataSet));
        } catch (IOException e) {
            log.error("hospital {}: cannot write an object: {}", provenance.hospitalId(), e.toString());
            return new Outcome(Result.FAILED, "storage unavailable; retry later", header);
        }
        return counted(index(provenance, header, transferSyntax, object, clock.instant()));
    }

    private Outcome counted(Outcome outcome) {
        if (outcome.result() == Result.STORED) {
            storedCounter.increment();
        }
        return outcome;
    }

    /** The image pixel module of a data set, read when it is needed. */
    private interface PixelModuleSource {
        PixelModule read() throws InvalidObjectException;
    }

    /** Why an object is not taken whatever its study: a class we do not receive, pixels its header does not describe. */
    private Optional<Outcome> refusal(DicomHeader header, String transferSyntax, PixelModuleSource pixelModule) {
        if (!Uids.isReceivedClass(header.sopClassUid())) {
            refusedCounter.increment();
            return Optional.of(new Outcome(Result.UNSUPPORTED_CLASS, "SOP class " + header.sopClassUid() + " is not received",
                    header));
        }
        Optional<String> pixels;
        try {
            pixels = pixelModule.read().problem(header.sopClassUid(), transferSyntax);
        } catch (InvalidObjectException e) {
            pixels = Optional.of(e.getMessage());
        }
        if (pixels.isPresent()) {
            refusedCounter.increment();
            return Optional.of(new Outcome(Result.INVALID, pixels.get(), header));
        }
        return Optional.empty();
    }

    private Outcome index(Provenance provenance, DicomHeader header, String transferSyntax, StoredObject object,
                          Instant receivedAt) {
        boolean added;
        long[] study = new long[1];
        try {
            added = Boolean.TRUE.equals(tx.execute(status -> {
                // Durability comes from the fsync'd object (see the class comment), not from this commit.
                jdbc.sql("set local synchronous_commit to off").update();
                long studyId = index.ensureStudy(provenance.hospitalId(), header, receivedAt, provenance.source(),
                        !provenance.prior());
                study[0] = studyId;
                long seriesId = index.ensureSeries(studyId, header);
                // Locked before the study's counters: a signature, a rejection or a purge waits for this
                // instance, or this instance for it, and it then goes where the exam's state says.
                LateImages.StudyExam exam = lateImages.lockExamOf(studyId);
                boolean isNew = index.addInstance(studyId, seriesId, header, transferSyntax, object.key(), object.size(),
                        receivedAt, provenance.source());
                // A prior fetched from the hospital's PACS belongs to no exam of its own, nor opens one.
                if (isNew && !provenance.prior()) {
                    lateImages.arrived(provenance.hospitalId(), studyId, exam, receivedAt, provenance.source());
                }
                return isNew;
            }));
        } catch (LateImages.PurgeUnderway e) {
            log.info("hospital {}: {}", provenance.hospitalId(), e.getMessage());
            deleteQuietly(object.key());
            return new Outcome(Result.FAILED, "the images of this study are being purged; send again later", header);
        } catch (RuntimeException e) {
            log.error("hospital {}: cannot index an object", provenance.hospitalId(), e);
            deleteQuietly(object.key());
            return new Outcome(Result.FAILED, "index unavailable; retry later", header);
        }
        if (!added) {
            // The first copy stays; this one was never indexed.
            deleteQuietly(object.key());
            return new Outcome(Result.ALREADY_STORED, null, header, study[0]);
        }
        return new Outcome(Result.STORED, null, header, study[0]);
    }

    /** For the recovery ({@link IntakeRecovery}): indexes an object found on disk without its index row. */
    Outcome indexRecovered(Provenance provenance, DicomHeader header, String transferSyntax, StoredObject object,
                           Instant receivedAt) {
        return index(provenance, header, transferSyntax, object, receivedAt);
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
