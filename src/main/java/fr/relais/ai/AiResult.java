package fr.relais.ai;

import java.time.Instant;

/** One engine's answer for one finding of one exam. The key slice is shown "not for diagnosis". */
public record AiResult(long id, long examId, String engine, String engineVersion, String finding, Double score,
                       boolean positive, String keySopInstanceUid, Integer keyFrame, Instant receivedAt) {}
