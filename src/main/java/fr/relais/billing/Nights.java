package fr.relais.billing;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;

/** The night an act belongs to, on the reading centers' clock ({@link fr.relais.platform.Zones#center()}). */
final class Nights {

    private static final LocalTime NOON = LocalTime.NOON;

    private Nights() {}

    /** The date the night started on: an act read before noon belongs to the night before. */
    static LocalDate nightOf(ZonedDateTime local) {
        return local.toLocalTime().isBefore(NOON) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }
}
