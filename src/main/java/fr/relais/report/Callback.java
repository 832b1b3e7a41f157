package fr.relais.report;

import java.time.Instant;

/** A documented phone call of a critical finding: who was called, on which number, when, read back. */
public record Callback(long id, String calledName, String calledPhone, Instant calledAt, boolean readBackConfirmed,
                       String recordedByName, Instant recordedAt) {}
