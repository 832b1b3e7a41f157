package fr.relais.platform;

import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Times as the pages show them ({@code ${@moments.short(instant)}}): French notation, Paris time,
 * the time the whole network of hospitals and reading centers shares.
 */
@Component("moments")
public class Moments {

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(ZoneId.of("Europe/Paris"));
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.of("Europe/Paris"));

    public String format(Instant at) {
        return at == null ? "" : SHORT.format(at);
    }

    /** The time of day alone, HH:mm: for what happened tonight (a draft saved, a call made). */
    public String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }
}
