package fr.relais.request;

import fr.relais.exam.ExamState;

/**
 * Published after every committed change of a request (filed, decided, answered, consent,
 * images attached, cancelled): the live pages listen to it. No patient data in it.
 */
public record RequestChanged(long examId, long hospitalId, ExamState state, Urgency urgency, String what) {}
