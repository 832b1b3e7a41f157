package fr.relais.billing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The time modifiers of an urgent CCAM act, read on the hospital's own clock (where the patient
 * was, not where the radiologist sat): F for a Sunday or a public holiday, U for a night between
 * 20:00 and 08:00. A pure function of the moment and the zone.
 */
public enum CcamModifier {
    /** Urgent act on a Sunday or a French public holiday, at any hour of that day. */
    F,
    /** Urgent act at night, 20:00 to 08:00. */
    U;

    public static final LocalTime NIGHT_STARTS = LocalTime.of(20, 0);
    public static final LocalTime NIGHT_ENDS = LocalTime.of(8, 0);

    /**
     * The modifier of an act done at {@code at} in a hospital of {@code zone}; none for an act that
     * is not urgent or falls on a working day between 08:00 and 20:00.
     * <p>
     * F and U never go together on one act (the CCAM does not let them add up). F wins: the day
     * is checked first and the hour second, so that a Sunday or a holiday is billed F from 00:00
     * to 24:00 whatever the hour, and U is what a working day's night gives. One fixed calendar rule
     * reads the same to the hospital checking its bill, and does not depend on which modifier the
     * tariff of the year happens to pay more.
     */
    public static Optional<CcamModifier> of(Instant at, ZoneId zone, boolean urgent) {
        if (!urgent) {
            return Optional.empty();
        }
        ZonedDateTime local = at.atZone(zone);
        if (local.getDayOfWeek() == DayOfWeek.SUNDAY || FrenchHolidays.isHoliday(local.toLocalDate())) {
            return Optional.of(F);
        }
        LocalTime time = local.toLocalTime();
        if (!time.isBefore(NIGHT_STARTS) || time.isBefore(NIGHT_ENDS)) {
            return Optional.of(U);
        }
        return Optional.empty();
    }
}
