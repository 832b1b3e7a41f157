package fr.relais.billing;

import fr.relais.platform.InvalidInputException;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/** Months as the billing team names them (2026-11), and the night an act belongs to. */
final class Months {

    /** The network's wall clock: the night shifts run 20:00–08:00, Paris time. */
    static final ZoneId NETWORK = ZoneId.of("Europe/Paris");
    private static final LocalTime NOON = LocalTime.NOON;

    private Months() {}

    /** 2026-11 → that month; anything else is a 400 naming the field. */
    static YearMonth parse(String field, String value) {
        try {
            YearMonth month = YearMonth.parse(value == null ? "" : value.strip());
            if (month.getYear() < 2000 || month.getYear() > 2999) {
                throw new DateTimeParseException("out of range", value, 0);
            }
            return month;
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "billing.month.invalid",
                    "give the month as YYYY-MM, e.g. 2026-11 (not " + value + ")", String.valueOf(value));
        }
    }

    /** The date the night started on: an act read before noon belongs to the night before. */
    static LocalDate nightOf(ZonedDateTime local) {
        return local.toLocalTime().isBefore(NOON) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }
}
