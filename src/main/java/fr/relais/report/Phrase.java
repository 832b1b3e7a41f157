package fr.relais.report;

/** A quick phrase, inserted with one click into its section (FINDINGS or CONCLUSION). */
public record Phrase(long id, String section, String label, String body) {}
