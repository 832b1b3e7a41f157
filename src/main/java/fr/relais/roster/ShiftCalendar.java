package fr.relais.roster;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * A month of night shifts: for each center and night, who is down for which seat, the seats left
 * empty (gaps) and the nights planned beyond the seats; and the month's problems in one list.
 */
public record ShiftCalendar(YearMonth month, List<CenterMonth> centers, List<Problem> problems) {

    public record CenterMonth(long centerId, String centerName, int seats, NightHours hours, List<Night> nights) {}

    public record Night(LocalDate date, List<PlannedShift> planned, int gaps, boolean overbooked) {}

    /** What the planning must fix: empty seats, more radiologists than seats, one radiologist twice a night. */
    public record Problem(Kind kind, LocalDate night, Long centerId, String centerName, Long userId, String displayName,
                          int count) {

        public enum Kind { GAP, OVERBOOKED, TWICE }
    }
}
