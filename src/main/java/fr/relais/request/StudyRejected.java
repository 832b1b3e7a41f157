package fr.relais.request;

/** A coordinator rejected a study that matched no request: its images are to be deleted. */
public record StudyRejected(long studyId, long hospitalId, String actor, String reason) {}
