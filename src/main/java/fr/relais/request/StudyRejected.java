package fr.relais.request;

/**
 * A coordinator rejected a study that matched no request: its images are to be deleted. Published
 * inside the rejection's transaction, so that the index rows go with it, under the exam's lock.
 */
public record StudyRejected(long studyId, long hospitalId, String actor, String reason) {}
