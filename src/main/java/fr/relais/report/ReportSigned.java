package fr.relais.report;

import java.time.Instant;

/**
 * Published once a report's signature is committed (never before): delivery starts from it, with
 * {@link ReportService#signedReport(long)} for the content. No patient data in it. A crash between
 * the commit and this event loses the event, not the report: a delivery outbox should also pick up
 * signed reports that have no delivery yet.
 */
public record ReportSigned(long reportId, long examId, long hospitalId, Instant signedAt, boolean critical) {}
