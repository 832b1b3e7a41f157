package fr.relais.report;

import java.time.Instant;

/** A critical finding still to be phoned, as coordinators see it: whom to call and about what. */
public record OpenCallbackTask(long taskId, long reportId, long examId, String accessionNumber, long hospitalId,
                               String hospitalName, String examTypeLabel, CriticalCategory criticalCategory,
                               String requestingPhysician, String callbackPhone, String signedByName,
                               Instant signedAt, Instant openedAt) {}
