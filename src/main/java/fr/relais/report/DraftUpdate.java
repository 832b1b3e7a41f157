package fr.relais.report;

/**
 * The draft as the editor sends it, whole, with the version it was read at: 0 for the first save of
 * the proposal built from the template. A stale version is refused, never merged.
 */
public record DraftUpdate(Integer version, String indication, String technique, String findings, String conclusion,
                          Boolean critical, CriticalCategory criticalCategory) {}
