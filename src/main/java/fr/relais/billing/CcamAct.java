package fr.relais.billing;

import java.time.OffsetDateTime;
import java.time.LocalDate;
import java.time.LocalTime;

/**
 * One act line: what a signed report bills. The moment is given in the hospital's own clock
 * ({@code localDate}, {@code localTime}, {@code timeZone}), as the modifier was decided;
 * {@code patientReference} is the hospital's patient id of the request, never the name.
 */
public record CcamAct(long id, long reportId, long examId, long hospitalId, String hospitalName, long radiologistId,
                      String radiologistName, String examTypeCode, String ccamCode, String modifier, boolean urgent,
                      String rpps, String finess, String patientReference, String accessionNumber,
                      OffsetDateTime performedAt, String timeZone, LocalDate localDate, LocalTime localTime,
                      LocalDate nightDate) {

    /** The code as billed, the modifier appended: ACQK001 + U. */
    public String codedAs() {
        return modifier == null ? ccamCode : ccamCode + "+" + modifier;
    }
}
