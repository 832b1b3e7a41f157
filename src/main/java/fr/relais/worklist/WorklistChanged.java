package fr.relais.worklist;

/**
 * A change of the common worklist, heard by every application instance through PostgreSQL
 * LISTEN/NOTIFY and republished locally for the live pages. No patient data in it.
 */
public record WorklistChanged(long examId, long hospitalId, String what, Long userId) {}
