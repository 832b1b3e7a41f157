package fr.relais.prior;

import fr.relais.audit.AuditLog;
import fr.relais.audit.AuditLog.Outcome;
import fr.relais.dicom.AssociationHandler.AssociationRequest;
import fr.relais.dicom.AssociationHandler.StoreHandler;
import fr.relais.dicom.AssociationHandler.StoreRequest;
import fr.relais.dicom.AssociationHandler.StoreStatus;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.Caller;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.intake.IntakeService;
import fr.relais.intake.PeerDoor;
import fr.relais.platform.RelaisProperties;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The DICOM door for a hospital's PACS sending back the priors Relais asked for (the C-STOREs of
 * a C-MOVE): its calling AE title is the PACS's, admitted with the hospital's networks and, on the
 * TLS port, certificates. What it sends is stored like any image, encrypted, but as a prior: no new
 * exam, no unmatched entry; a study no fetch under way asked for is refused with the reason.
 */
@Component
class PriorDoor implements PeerDoor {

    private final HospitalDirectory hospitals;
    private final IntakeService intake;
    private final PriorFetches fetches;
    private final AuditLog audit;
    private final boolean acceptWithoutCertificate;

    PriorDoor(HospitalDirectory hospitals, IntakeService intake, PriorFetches fetches, AuditLog audit,
              RelaisProperties properties) {
        this.hospitals = hospitals;
        this.intake = intake;
        this.fetches = fetches;
        this.audit = audit;
        this.acceptWithoutCertificate = properties.dicom().tlsAcceptWithoutCertificate();
    }

    @Override
    public Optional<StoreHandler> open(AssociationRequest request) {
        Optional<Caller> pacs = hospitals.findPacsCaller(request.callingAeTitle());
        if (pacs.isEmpty()) {
            return Optional.empty();
        }
        HospitalRef hospital = pacs.get().hospital();
        Optional<String> refusal = hospitals.refusal(pacs.get(), request.callingAeTitle(),
                request.peer() == null ? null : request.peer().getAddress(), request.tls(), request.peerCertificate(),
                acceptWithoutCertificate);
        if (refusal.isPresent()) {
            audit.record("dicom:" + request.callingAeTitle(), "DICOM_ASSOCIATION", "hospital:" + hospital.id(),
                    address(request), Outcome.REJECTED, "PACS: " + refusal.get());
            return Optional.of(new Refused(refusal.get()));
        }
        return Optional.of(new PriorSession(hospital, request));
    }

    private static String address(AssociationRequest request) {
        return request.peer() == null ? null : request.peer().getAddress().getHostAddress();
    }

    /** A PACS that may not speak for its hospital here: each object refused with why. */
    private record Refused(String why) implements StoreHandler {
        @Override
        public StoreStatus store(StoreRequest request) {
            return StoreStatus.cannotUnderstand(why);
        }
    }

    /** One association of the PACS: what it sent is audited once, when it ends. */
    private final class PriorSession implements StoreHandler {
        private final HospitalRef hospital;
        private final AssociationRequest request;
        private int stored;
        private int refused;

        PriorSession(HospitalRef hospital, AssociationRequest request) {
            this.hospital = hospital;
            this.request = request;
        }

        @Override
        public StoreStatus store(StoreRequest rq) {
            IntakeService.Outcome outcome = intake.receivePriorDataSet(hospital, request.callingAeTitle(), rq.sopClassUid(),
                    rq.sopInstanceUid(), rq.transferSyntaxUid(), rq.data(), rq.length(),
                    studyUid -> fetches.awaited(hospital.id(), studyUid));
            if (outcome.stored()) {
                stored++;
            } else {
                refused++;
            }
            return outcome.dicomStatus();
        }

        @Override
        public void ended() {
            if (stored + refused > 0) {
                audit.record("dicom:" + request.callingAeTitle(), "PRIORS_RECEIVED", "hospital:" + hospital.id(),
                        address(request), refused == 0 ? Outcome.SUCCESS : Outcome.FAILED,
                        stored + " stored, " + refused + " refused");
            }
        }
    }
}
