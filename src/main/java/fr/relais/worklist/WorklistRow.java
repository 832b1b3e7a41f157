package fr.relais.worklist;

import fr.relais.request.Urgency;

import java.time.Instant;

/**
 * One exam of the common worklist as a radiologist's screen shows it: no name, age and sex only.
 * aiFailed: an engine set for it could not analyse it (the AI's view ai_failed_analysis), so that
 * no one takes the absence of a flag for a negative. question: the clinical question of the request.
 */
public record WorklistRow(long examId, String accessionNumber, String state, PriorityClass priorityClass, String colour, Urgency urgency,
                          boolean aiPositive, boolean aiFailed, Instant readyAt, Instant deadline, long hospitalId,
                          String hospitalName, String examTypeCode, String examTypeLabel, String question,
                          Integer ageYears, String sex, Long claimedBy, String claimedByName, Instant claimedAt) {}
