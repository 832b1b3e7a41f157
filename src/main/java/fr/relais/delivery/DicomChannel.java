package fr.relais.delivery;

import fr.relais.dicom.EncapsulatedPdf;
import fr.relais.dicom.StoreScu;
import fr.relais.dicom.Uids;
import fr.relais.report.SignedReport;
import fr.relais.request.RequestView;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The report as a DICOM Encapsulated PDF, stored by C-STORE into the hospital's PACS in the study
 * it reports on. The SOP instance UID is the delivery's message id, the same on every attempt, so
 * that a PACS that got an earlier attempt replaces the object rather than duplicating it.
 */
@Component
class DicomChannel implements Channel {

    private final DeliverySettings settings;
    private final String callingAe;

    DicomChannel(DeliverySettings settings, @Value("${relais.dicom.ae:RELAIS}") String callingAe) {
        this.settings = settings;
        this.callingAe = callingAe;
    }

    @Override
    public Destination.Kind kind() {
        return Destination.Kind.DICOM_STORE;
    }

    @Override
    public void send(Destination destination, ReportDocument document, byte[] pdf, String messageId) throws DeliveryFailure {
        SignedReport r = document.report();
        RequestView q = r.request();
        if (r.studyInstanceUid() == null) {
            throw new DeliveryFailure("the exam has no study to file the report in", true);
        }
        EncapsulatedPdf.Document doc = new EncapsulatedPdf.Document(r.studyInstanceUid(), seriesUid(messageId), messageId,
                q.accessionNumber(), q.patientId(), q.familyName(), q.givenName(), q.birthDate(), q.sex(),
                LocalDateTime.ofInstant(r.signedAt(), document.zone()),
                "Compte rendu " + q.examTypeLabel() + (document.revision() > 0 ? " (addendum " + document.revision() + ")" : ""),
                pdf);
        StoreScu.Status status;
        try {
            status = new StoreScu(destination.host(), destination.port(), callingAe, destination.remoteName(),
                    settings.sendTimeout()).store(EncapsulatedPdf.SOP_CLASS, messageId, syntax -> EncapsulatedPdf.dataSet(doc, syntax));
        } catch (IOException e) {
            throw new DeliveryFailure("PACS " + destination.remoteName() + " did not store the report", e);
        }
        if (!status.stored()) {
            // Out of resources (A7xx) passes; anything else the PACS will refuse again.
            boolean again = (status.code() & 0xFF00) == 0xA700;
            throw new DeliveryFailure(String.format("PACS answered status %04X%s", status.code(),
                    status.errorComment() == null ? "" : ": " + status.errorComment()), !again);
        }
    }

    @Override
    public String test(Destination destination) throws DeliveryFailure {
        StoreScu.Status status;
        try (StoreScu.Session session = new StoreScu(destination.host(), destination.port(), callingAe,
                destination.remoteName(), settings.sendTimeout()).open(List.of(Uids.VERIFICATION))) {
            status = session.echo();
        } catch (IOException e) {
            throw new DeliveryFailure("PACS " + destination.remoteName() + " at " + destination.host() + ":"
                    + destination.port() + " did not answer a C-ECHO", e);
        }
        if (!status.stored()) {
            throw new DeliveryFailure(String.format("PACS answered the C-ECHO with status %04X", status.code()), true);
        }
        return "C-ECHO";
    }

    /** A series UID derived from the instance UID: the same on every attempt. */
    static String seriesUid(String sopInstanceUid) {
        UUID uuid = UUID.nameUUIDFromBytes(("series:" + sopInstanceUid).getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }
}
