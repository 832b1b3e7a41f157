package fr.relais.worklist;

import fr.relais.request.Urgency;

import java.time.Instant;

/** One exam of the common worklist as a radiologist's screen shows it: no name, age and sex only. */
public record WorklistRow(long examId, String state, PriorityClass priorityClass, String colour, Urgency urgency,
                          boolean aiPositive, Instant readyAt, Instant deadline, long hospitalId, String hospitalName,
                          String examTypeCode, String examTypeLabel, Integer ageYears, String sex,
                          Long claimedBy, String claimedByName, Instant claimedAt) {}
