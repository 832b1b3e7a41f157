package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.dicom.AssociationHandler.AssociationRequest;
import fr.relais.dicom.AssociationHandler.StoreHandler;
import fr.relais.dicom.AssociationHandler.StoreRequest;
import fr.relais.dicom.AssociationHandler.StoreStatus;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.MeasurementReport;
import fr.relais.dicom.Part10;
import fr.relais.dicom.StoreScu;
import fr.relais.intake.PeerDoor;
import fr.relais.platform.RelaisProperties;
import fr.relais.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * External engines over DICOM: the study goes to the engine's AE by C-STORE (our own SCU, the
 * decrypted objects as stored), and the engine answers with an SR measurement report by C-STORE to
 * our SCP, calling from its registered AE title. The answer is recorded as any engine's result;
 * an SR that cannot be read, or about a study the engine was not sent, gets a failure status with
 * the reason and changes nothing.
 */
@Component
class DicomEngines implements PeerDoor {

    private static final Logger log = LoggerFactory.getLogger(DicomEngines.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final ObjectStore store;
    private final AiEngines engines;
    private final AiRuns runs;
    private final AiResults results;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final String ourAe;

    DicomEngines(JdbcClient jdbc, ObjectStore store, AiEngines engines, AiRuns runs, AiResults results,
                 TransactionTemplate tx, AuditLog audit, RelaisProperties properties) {
        this.jdbc = jdbc;
        this.store = store;
        this.engines = engines;
        this.runs = runs;
        this.results = results;
        this.tx = tx;
        this.audit = audit;
        this.ourAe = properties.dicom().ae();
    }

    private record Instance(String objectKey, String sopClassUid, String sopInstanceUid) {}

    /**
     * Sends every object of the study to the engine on one association; the number sent. Objects of
     * a class the engine does not take are left out; any refused object fails the whole send.
     */
    int send(long studyId, AiEngines.Engine engine, AiEngines.DicomConfig config) throws IOException {
        // Read-only use of the study index (intake owns the tables), as DICOMweb does.
        List<Instance> instances = jdbc.sql("""
                select i.object_key, i.sop_class_uid, i.sop_instance_uid from instance i
                join series se on se.id = i.series_id where se.study_id = :study order by se.id, i.id""")
                .param("study", studyId)
                .query((rs, n) -> new Instance(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        if (instances.isEmpty()) {
            throw new IOException("the study has no object to send");
        }
        StoreScu scu = new StoreScu(config.host(), config.port(), ourAe, config.aeTitle(), SEND_TIMEOUT);
        int sent = 0;
        try (StoreScu.Session session = scu.open(instances.stream().map(Instance::sopClassUid).toList())) {
            for (Instance i : instances) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("interrupted");
                }
                if (!session.accepts(i.sopClassUid())) {
                    continue;
                }
                byte[] file = store.read(i.objectKey());
                StoreScu.Status status = session.store(i.sopClassUid(), i.sopInstanceUid(), syntax -> Part10.dataSetIn(file, syntax));
                if (!status.stored()) {
                    throw new IOException(String.format("engine %s answered status %04X%s", engine.code(), status.code(),
                            status.errorComment() == null ? "" : ": " + status.errorComment()));
                }
                sent++;
            }
        }
        return sent;
    }

    @Override
    public Optional<StoreHandler> open(AssociationRequest request) {
        return engines.byDicomAeTitle(request.callingAeTitle()).map(engine -> rq -> receive(engine, request, rq));
    }

    private StoreStatus receive(AiEngines.Engine engine, AssociationRequest association, StoreRequest rq) {
        String actor = "ai:" + engine.code();
        String source = association.peer() == null ? null : association.peer().getAddress().getHostAddress();
        if (!MeasurementReport.isStructuredReport(rq.sopClassUid())) {
            return refuse(actor, source, StoreStatus.sopClassNotSupported(
                    "engine " + engine.code() + " may only send SR measurement reports, not " + rq.sopClassUid()));
        }
        MeasurementReport.Report report;
        try {
            report = MeasurementReport.parse(rq.transferSyntaxUid(), rq.data(), rq.length());
        } catch (DicomHeader.InvalidObjectException e) {
            return refuse(actor, source, StoreStatus.cannotUnderstand(e.getMessage()));
        }
        Optional<AiRuns.Run> run = runs.latest(engine.id(), report.studyInstanceUid());
        if (run.isEmpty()) {
            return refuse(actor, source, StoreStatus.cannotUnderstand(
                    "engine " + engine.code() + " was not sent the study this SR is about"));
        }
        long examId = run.get().examId();
        for (MeasurementReport.Finding f : report.findings()) {
            for (MeasurementReport.KeyImage k : f.keyImages()) {
                if (!results.inExam(examId, k.sopInstanceUid())) {
                    return refuse(actor, source, StoreStatus.cannotUnderstand(
                            "key image " + k.sopInstanceUid() + " of finding " + f.code() + " is not in the study"));
                }
            }
        }
        List<String> codes = report.findings().stream().map(MeasurementReport.Finding::code).toList();
        tx.executeWithoutResult(status -> {
            for (MeasurementReport.Finding f : report.findings()) {
                MeasurementReport.KeyImage key = f.keyImages().isEmpty() ? null : f.keyImages().get(0);
                results.record(examId, engine, engine.version(), new AiResults.Incoming(f.code(), f.score(), f.present(),
                        key == null ? null : key.sopInstanceUid(), key == null ? null : key.frame() == null ? 1 : key.frame()));
            }
            runs.answered(run.get(), "SR " + codes);
        });
        audit.record(actor, "AI_RESULT_RECEIVED", "exam:" + examId, source, AuditLog.Outcome.SUCCESS, "SR, " + codes);
        log.info("AI engine {} answered by SR for exam {} (run {}, was {})", engine.code(), examId, run.get().id(),
                run.get().state());
        return StoreStatus.SUCCESS;
    }

    private StoreStatus refuse(String actor, String source, StoreStatus status) {
        audit.record(actor, "AI_RESULT_REFUSED", "dicom", source, AuditLog.Outcome.REJECTED, status.comment());
        return status;
    }
}
