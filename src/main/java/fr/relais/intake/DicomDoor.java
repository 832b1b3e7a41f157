package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.audit.AuditLog.Outcome;
import fr.relais.audit.RefusedAttempts;
import fr.relais.dicom.AssociationHandler;
import fr.relais.dicom.DicomServer;
import fr.relais.dicom.ReceptionBudget;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.Caller;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.platform.RelaisProperties;
import fr.relais.request.ModalityWorklist;
import fr.relais.dicom.WorklistItem;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The DICOM door: C-STORE, C-ECHO and the Modality Worklist (C-FIND, {@link ModalityWorklist}) on
 * port 11112 for registered hospitals. The calling AE title
 * says which hospital is sending; an unknown one is refused at association time and audited, and so
 * is a known one calling from outside the hospital's networks or, on the TLS port, without a
 * certificate registered on that hospital ({@link HospitalDirectory#refusal}). A
 * caller that is no hospital may be another kind of peer ({@link PeerDoor}: an AI engine's answer).
 */
@Component
public class DicomDoor implements SmartLifecycle, AssociationHandler {

    /** The largest single object accepted (a long multi-frame series can be large). */
    private static final long MAX_OBJECT_BYTES = 1L << 30;

    private final RelaisProperties.Dicom settings;
    private final HospitalDirectory hospitals;
    private final IntakeService intake;
    private final AuditLog audit;
    private final ReceptionAudit receptions;
    private final RefusedAttempts refusals;
    private final List<PeerDoor> peers;
    private volatile DicomServer server;
    private volatile DicomServer tlsServer;
    private final SslBundles sslBundles;
    private final ReceptionBudget budget;
    private final IntakeRecovery recovery;
    private final ModalityWorklist worklist;

    /** The actor of refusals of callers that are no hospital: their AE title is in the detail. */
    static final String UNKNOWN_CALLER = "dicom:unknown";

    DicomDoor(RelaisProperties properties, HospitalDirectory hospitals, IntakeService intake, AuditLog audit,
              RefusedAttempts refusals, List<PeerDoor> peers, SslBundles sslBundles, IntakeRecovery recovery,
              MeterRegistry meters, ReceptionAudit receptions, ModalityWorklist worklist) {
        this.receptions = receptions;
        this.worklist = worklist;
        this.recovery = recovery;
        this.refusals = refusals;
        this.sslBundles = sslBundles;
        Integer budgetMb = properties.dicom().receptionBudgetMb();
        this.budget = budgetMb == null || budgetMb <= 0 ? ReceptionBudget.halfTheHeap() : new ReceptionBudget((long) budgetMb << 20);
        meters.gauge("relais.dicom.reception.reserved.bytes", budget, ReceptionBudget::reserved);
        meters.gauge("relais.dicom.reception.peak.bytes", budget, ReceptionBudget::peak);
        meters.gauge("relais.dicom.reception.budget.bytes", budget, ReceptionBudget::capacity);
        this.settings = properties.dicom();
        this.hospitals = hospitals;
        this.intake = intake;
        this.audit = audit;
        this.peers = peers;
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        return server.port();
    }

    /** The TLS listener's port, or -1 when DICOM over TLS is off. */
    public int tlsPort() {
        DicomServer s = tlsServer;
        return s == null ? -1 : s.port();
    }

    @Override
    public void start() {
        // What was acknowledged before an unclean stop is indexed before the port opens (an earlier phase).
        if (!recovery.isRunning()) {
            throw new IllegalStateException("the DICOM port opens only after the recovery of the object store");
        }
        try {
            server = new DicomServer(serverSettings(settings.port()), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the DICOM port " + settings.port(), e);
        }
        if (settings.tlsPort() != null) {
            String name = settings.tlsBundle() == null || settings.tlsBundle().isBlank() ? "dicom" : settings.tlsBundle();
            SslBundle bundle = sslBundles.getBundle(name);
            try {
                tlsServer = new DicomServer(serverSettings(settings.tlsPort()), this, bundle.createSslContext(),
                        bundle.getStores().getTrustStore() != null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the DICOM TLS port " + settings.tlsPort(), e);
            }
        }
    }

    private DicomServer.Settings serverSettings(int port) {
        DicomServer.Limits defaults = DicomServer.Limits.DEFAULT;
        DicomServer.Limits limits = new DicomServer.Limits(
                orDefault(settings.artimSeconds(), defaults.artimSeconds()),
                orDefault(settings.maxNegotiating(), defaults.maxNegotiating()),
                orDefault(settings.maxNegotiatingPerSource(), defaults.maxNegotiatingPerSource()),
                orDefault(settings.maxPerHospital(), defaults.maxPerCaller()),
                orDefault(settings.maxPerSource(), defaults.maxPerSource()));
        return new DicomServer.Settings(settings.ae(), port, settings.maxAssociations(), settings.maxPduLength(),
                settings.idleTimeoutSeconds(), MAX_OBJECT_BYTES, limits, budget);
    }

    private static int orDefault(Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }

    /** The heap data sets in flight take together, shared by the plain and the TLS port. */
    public ReceptionBudget budget() {
        return budget;
    }

    @Override
    public void stop() {
        for (DicomServer s : new DicomServer[] {server, tlsServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public Decision associate(AssociationRequest request) {
        Optional<Caller> caller = hospitals.findCaller(request.callingAeTitle());
        if (caller.isEmpty()) {
            for (PeerDoor door : peers) {
                Optional<StoreHandler> peer = door.open(request);
                if (peer.isPresent()) {
                    return new Accept(peer.get());
                }
            }
            String why = "calling AE title " + request.callingAeTitle() + " is not registered for any hospital";
            // Anyone can try AE titles by the thousand: counted per source and minute.
            refusals.refused(UNKNOWN_CALLER, "DICOM_ASSOCIATION", address(request), why);
            return new Reject(RejectReason.CALLING_AE_NOT_RECOGNIZED, why);
        }
        HospitalRef hospital = caller.get().hospital();
        Optional<String> refusal = hospitals.refusal(caller.get(), request.callingAeTitle(),
                request.peer() == null ? null : request.peer().getAddress(), request.tls(), request.peerCertificate(),
                settings.tlsAcceptWithoutCertificate());
        if (refusal.isPresent()) {
            audit.record("dicom:" + request.callingAeTitle(), "DICOM_ASSOCIATION", "hospital:" + hospital.id(),
                    address(request), Outcome.REJECTED, refusal.get());
            return new Reject(RejectReason.CALLING_AE_NOT_RECOGNIZED, refusal.get());
        }
        return new Accept(new HospitalSession(hospital, request), "hospital:" + hospital.id(),
                new WorklistSession(hospital, request));
    }

    @Override
    public void refused(AssociationRequest request, String why) {
        Optional<HospitalRef> hospital = hospitals.findByCallingAeTitle(request.callingAeTitle());
        if (hospital.isPresent()) {
            audit.record("dicom:" + request.callingAeTitle(), "DICOM_ASSOCIATION", "hospital:" + hospital.get().id(),
                    address(request), Outcome.REJECTED, why);
        } else {
            refusals.refused(UNKNOWN_CALLER, "DICOM_ASSOCIATION", address(request),
                    why + " (calling AE title " + request.callingAeTitle() + ")");
        }
    }

    private static String address(AssociationRequest request) {
        return request.peer() == null ? null : request.peer().getAddress().getHostAddress();
    }

    /**
     * One hospital's Modality Worklist queries: its own scheduled requests only, each answer
     * audited (it names patients) with the exams it returned, each failure with its reason.
     */
    private final class WorklistSession implements FindHandler {
        private final HospitalRef hospital;
        private final AssociationRequest request;

        WorklistSession(HospitalRef hospital, AssociationRequest request) {
            this.hospital = hospital;
            this.request = request;
        }

        @Override
        public List<WorklistItem> scheduled() {
            return worklist.scheduled(hospital.id(), request.callingAeTitle());
        }

        @Override
        public void answered(List<WorklistItem> returned, StoreStatus failure) {
            audit.record("dicom:" + request.callingAeTitle(), "MWL_QUERY", "hospital:" + hospital.id(), address(request),
                    failure == null ? Outcome.SUCCESS : Outcome.REJECTED,
                    failure != null ? String.format("status 0x%04X: %s", failure.code(), failure.comment())
                            : returned.size() + " items" + (returned.isEmpty() ? "" : ": "
                            + String.join(", ", returned.stream().map(WorklistItem::reference).toList())));
        }
    }

    /** One hospital's association: what it sent is audited when it ends, once per study (and once for what was refused). */
    private final class HospitalSession implements StoreHandler {
        private final HospitalRef hospital;
        private final AssociationRequest request;
        private final StudyReceptions received = new StudyReceptions();
        private int stored;
        private int refused;
        private String firstRefusal;
        private boolean toldToRetry;

        HospitalSession(HospitalRef hospital, AssociationRequest request) {
            this.hospital = hospital;
            this.request = request;
        }

        @Override
        public DataSetSpool spool(String sopClassUid, String sopInstanceUid, String transferSyntaxUid) throws IOException {
            return intake.spool(hospital, request.callingAeTitle(), sopClassUid, sopInstanceUid, transferSyntaxUid);
        }

        @Override
        public StoreStatus store(StoreRequest rq) {
            IntakeService.Outcome outcome = rq.spool() instanceof IntakeService.Spool spooled
                    ? intake.receiveSpooled(spooled)
                    : intake.receiveDataSet(hospital, request.callingAeTitle(), rq.sopClassUid(), rq.sopInstanceUid(),
                            rq.transferSyntaxUid(), rq.data(), rq.length());
            if (!outcome.stored() && firstRefusal == null) {
                firstRefusal = outcome.reason();
            }
            if (outcome.stored()) {
                stored++;
                received.add(outcome);
            } else {
                refused++;
            }
            if (outcome.result() == IntakeService.Result.FAILED) {
                askedToRetryLater(outcome.reason());
            }
            return outcome.dicomStatus();
        }

        /** Recorded once per association, however many of its images are refused, for the hospital's pages. */
        @Override
        public void askedToRetryLater(String why) {
            if (!toldToRetry) {
                toldToRetry = true;
                intake.recordRetryLater(hospital.id());
            }
        }

        @Override
        public void ended() {
            String actor = "dicom:" + request.callingAeTitle();
            receptions.record(actor, address(request), "DICOM association from " + request.callingAeTitle(), received);
            if (refused > 0) {
                audit.record(actor, "DICOM_RECEIVED", "hospital:" + hospital.id(), address(request), Outcome.FAILED,
                        stored + " stored, " + refused + " refused (first: " + firstRefusal + ")");
            }
        }
    }
}
