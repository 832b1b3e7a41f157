package fr.relais.platform;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The one place time zones come from. The reading centers' zone ({@code relais.zone}) is the
 * network's wall clock: shifts, nights, billing nights and months, what no single hospital owns
 * (the audit trail). A hospital's own zone (its time_zone) dates what concerns its exams: pages,
 * reports, PDF, HL7 messages, a patient's age.
 */
@Component("zones")
public class Zones {

    /** The reading centers' zone when {@code relais.zone} is not set: the only place it is named. */
    public static final String DEFAULT_CENTER = "Europe/Paris";

    /** Where a hospital's stored zone is read: the hospital package, which owns the table. */
    public interface HospitalTimeZones {
        Optional<String> timeZoneOf(long hospitalId);
    }

    private final ZoneId center;
    private final HospitalTimeZones hospitals;

    public Zones(@Value("${relais.zone:}") String center, HospitalTimeZones hospitals) {
        this.center = ZoneId.of(center == null || center.isBlank() ? DEFAULT_CENTER : center.strip());
        this.hospitals = hospitals;
    }

    /** The reading centers' zone. */
    public ZoneId center() {
        return center;
    }

    /** A hospital's zone as stored (a region id); the centers' when it has none or names no zone java.time knows. */
    public ZoneId hospital(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return center;
        }
        try {
            return ZoneId.of(timeZone.strip());
        } catch (DateTimeException e) {
            return center;
        }
    }

    /** The zone of a hospital's clock, for what concerns its exams. */
    public ZoneId hospital(long hospitalId) {
        return hospital(hospitals.timeZoneOf(hospitalId).orElse(null));
    }

    /** Today's date on the centers' clock. */
    public LocalDate today(Clock clock) {
        return LocalDate.now(clock.withZone(center));
    }
}
