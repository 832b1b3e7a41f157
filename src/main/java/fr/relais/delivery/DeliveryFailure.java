package fr.relais.delivery;

/** A send that did not end in an acknowledgement: retried later unless the receiver refused it for good. */
final class DeliveryFailure extends Exception {

    private final boolean permanent;

    DeliveryFailure(String reason, boolean permanent) {
        super(reason);
        this.permanent = permanent;
    }

    DeliveryFailure(String reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), cause);
        this.permanent = false;
    }

    /** The receiver said it will never accept this message (HL7 AR, a DICOM refusal): retrying cannot help. */
    boolean permanent() {
        return permanent;
    }
}
