package fr.relais.exam;

import java.time.Instant;

/** Published once a study is complete and its exam READY: the features to come start from it. */
public record ExamReady(long examId, long hospitalId, long studyId, Instant at) {}
