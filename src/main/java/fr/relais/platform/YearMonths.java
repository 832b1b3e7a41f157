package fr.relais.platform;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** A month as people and the API write it, 2026-11: the month pickers of the roster and of billing. */
public final class YearMonths {

    private YearMonths() {}

    /** 2026-11 → that month; anything else (2026-13, 2026-1, nov) is a 400 naming the field. */
    public static YearMonth parse(String field, String value) {
        try {
            YearMonth month = YearMonth.parse(value == null ? "" : value.strip());
            if (month.getYear() < 2000 || month.getYear() > 2999) {
                throw new DateTimeParseException("out of range", value, 0);
            }
            return month;
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "month.invalid",
                    "give the month as YYYY-MM, e.g. 2026-11 (not " + value + ")", String.valueOf(value));
        }
    }

    /** The month asked for, or the given default when none is. */
    public static YearMonth parseOr(String field, String value, YearMonth otherwise) {
        return value == null || value.isBlank() ? otherwise : parse(field, value);
    }
}
