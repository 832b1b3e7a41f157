package fr.relais.platform;

import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as the pages show them ({@code ${@moments.format(instant)}}): French notation, on the
 * reading centers' clock ({@link Zones#center()}), or on a hospital's for what concerns its exams
 * ({@code ${@moments.format(instant, zone)}}), then followed by its offset when it is not the
 * centers' (a radiologist in Paris reading for Martinique sees "22:00 (UTC-4)").
 */
@Component("moments")
public class Moments {

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("' ('O')'", Locale.FRENCH); // "UTC-4"

    private final Zones zones;

    public Moments(Zones zones) {
        this.zones = zones;
    }

    public String format(Instant at) {
        return format(at, zones.center());
    }

    /** In the zone of the place the moment concerns (a hospital's); its offset shown when it is not the centers'. */
    public String format(Instant at, ZoneId zone) {
        return in(SHORT, at, zone);
    }

    /** On the clock of the hospital the moment concerns (one of its exams). */
    public String ofHospital(Instant at, long hospitalId) {
        return format(at, zones.hospital(hospitalId));
    }

    /** To the second, on the centers' clock: for the audit trail. */
    public String precise(Instant at) {
        return in(SECONDS, at, zones.center());
    }

    /** The time of day alone, HH:mm: for what happened tonight (a draft saved, a call made). */
    public String time(Instant at) {
        return time(at, zones.center());
    }

    public String time(Instant at, ZoneId zone) {
        return in(TIME, at, zone);
    }

    /** The centers' zone, as a page names it where its times could be read as another place's. */
    public String centerZone() {
        return zones.center().getId();
    }

    private String in(DateTimeFormatter pattern, Instant at, ZoneId zone) {
        if (at == null) {
            return "";
        }
        ZoneId z = zone == null ? zones.center() : zone;
        String text = pattern.format(at.atZone(z));
        return z.equals(zones.center()) ? text : text + OFFSET.format(at.atZone(z));
    }
}
