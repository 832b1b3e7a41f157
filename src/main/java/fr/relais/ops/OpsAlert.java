package fr.relais.ops;

import java.time.Instant;

/**
 * An operations alert while its condition holds. figure: radiologists to call (UNDERSTAFFED),
 * deliveries in alarm (DELIVERY_FAILING); since: the last images of a silent hospital.
 */
public record OpsAlert(long id, Kind kind, Long hospitalId, String hospitalName, Long figure, Instant since,
                       Instant raisedAt) {

    public enum Kind { UNDERSTAFFED, INTAKE_STOPPED, DELIVERY_FAILING }

    /** The message key of its sentence on the page and in the webhook. */
    public String messageKey() {
        return "ops.alert." + kind.name();
    }
}
