package fr.relais.request;

import java.time.Instant;

/** One message of the thread between the regulating radiologist and the hospital. */
public record RequestMessage(long id, String author, String authorRole, String body, Instant at) {}
