package fr.relais.delivery;

import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * The ORU^R01 to the hospital's RIS over MLLP. Delivered when the RIS acknowledges this very
 * message (MSA-2 = our control id) with AA or CA; AR/CR is a refusal for good, AE/CE, silence or a
 * broken connection a reason to try again later, with the same control id.
 */
@Component
class Hl7Channel implements Channel {

    private final DeliverySettings settings;

    Hl7Channel(DeliverySettings settings) {
        this.settings = settings;
    }

    @Override
    public Destination.Kind kind() {
        return Destination.Kind.HL7_MLLP;
    }

    @Override
    public void send(Destination destination, ReportDocument document, byte[] pdf, String messageId) throws DeliveryFailure {
        String message = Hl7Report.oru(document, pdf, messageId, settings.sendingApplication(), destination.remoteName());
        Hl7Report.Acknowledgement ack;
        try {
            ack = Hl7Report.acknowledgement(Mllp.exchange(destination.host(), destination.port(), message,
                    settings.sendTimeout()));
        } catch (IOException e) {
            throw new DeliveryFailure("RIS " + destination.host() + ":" + destination.port() + " did not acknowledge", e);
        }
        if (!messageId.equals(ack.controlId())) {
            throw new DeliveryFailure("the ACK names message " + ack.controlId() + ", not " + messageId, false);
        }
        String code = ack.code() == null ? "" : ack.code();
        switch (code) {
            case "AA", "CA" -> { }
            case "AR", "CR" -> throw new DeliveryFailure("RIS refused the report (" + code + "): " + ack.text(), true);
            default -> throw new DeliveryFailure("RIS answered " + code + ": " + ack.text(), false);
        }
    }

    /**
     * An NMD^N02 (HL7 network management: what it is for) carries nothing to file: any ACK naming it
     * shows the link and the RIS's HL7 listener work, whatever its code.
     */
    @Override
    public String test(Destination destination) throws DeliveryFailure {
        String controlId = "TEST" + System.currentTimeMillis();
        Hl7Report.Acknowledgement ack;
        try {
            ack = Hl7Report.acknowledgement(Mllp.exchange(destination.host(), destination.port(),
                    Hl7Report.networkTest(controlId, settings.sendingApplication(), destination.remoteName()),
                    settings.sendTimeout()));
        } catch (IOException e) {
            throw new DeliveryFailure("RIS " + destination.host() + ":" + destination.port() + " did not acknowledge", e);
        }
        if (!controlId.equals(ack.controlId())) {
            throw new DeliveryFailure("the ACK names message " + ack.controlId() + ", not " + controlId, false);
        }
        return "ACK " + ack.code() + (ack.text() == null || ack.text().isBlank() ? "" : " (" + ack.text() + ")");
    }
}
