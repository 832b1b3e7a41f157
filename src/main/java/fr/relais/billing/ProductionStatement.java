package fr.relais.billing;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * A radiologist's production for the freelance remuneration: the exams read in the nights that
 * started in the month, by night, by exam type and by CCAM modifier (the night and Sunday-holiday
 * supplements). No patient data.
 */
public record ProductionStatement(long radiologistId, String radiologistName, String rpps, YearMonth month,
                                  List<Night> nights, List<ByType> types, List<ByModifier> modifiers, int total) {

    /** The acts of the month with a modifier (U, F) or without one (null), and how many. */
    public record ByModifier(String modifier, int exams) {}

    /** One night: its date (the evening it started), and the exams read in it by type. */
    public record Night(LocalDate date, List<ByType> types, int exams) {}

    /** The exams of one type: its code, CCAM code and French label, and how many were read. */
    public record ByType(String examTypeCode, String ccamCode, String label, int exams) {}
}
