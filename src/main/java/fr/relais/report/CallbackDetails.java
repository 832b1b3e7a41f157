package fr.relais.report;

import java.time.OffsetDateTime;

/** The call as the radiologist or the coordinator reports it; readBackConfirmed must be true. */
public record CallbackDetails(String calledName, String calledPhone, OffsetDateTime calledAt, Boolean readBackConfirmed) {}
