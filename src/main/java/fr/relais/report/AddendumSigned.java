package fr.relais.report;

import java.time.Instant;

/** Published once an addendum is committed: the hospital's systems should receive the corrected report. */
public record AddendumSigned(long addendumId, long reportId, long examId, long hospitalId, Instant signedAt) {}
