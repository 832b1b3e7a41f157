package fr.relais.report;

import java.time.Instant;

/** A correction of a signed report, signed and timed by its author. */
public record Addendum(long id, String body, long authorId, String authorName, Instant signedAt) {}
