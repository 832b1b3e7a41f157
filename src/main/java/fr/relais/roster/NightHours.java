package fr.relais.roster;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a center's night shift runs, on its own clock: 20:00 → 08:00 in the zone the
 * administrator gives it (the reading centers', relais.zone, unless told otherwise). An end at or
 * before the start is on the next morning.
 */
public record NightHours(String timeZone, LocalTime starts, LocalTime ends) {

    public ZonedDateTime start(LocalDate night) {
        return night.atTime(starts).atZone(ZoneId.of(timeZone));
    }

    public ZonedDateTime end(LocalDate night) {
        LocalDate day = ends.isAfter(starts) ? night : night.plusDays(1);
        return day.atTime(ends).atZone(ZoneId.of(timeZone));
    }
}
