package fr.relais.exam;

import org.springframework.context.support.DefaultMessageSourceResolvable;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static fr.relais.exam.ExamState.ACQUIRING;
import static fr.relais.exam.ExamState.CANCELLED;
import static fr.relais.exam.ExamState.DELIVERED;
import static fr.relais.exam.ExamState.INFO_NEEDED;
import static fr.relais.exam.ExamState.IN_READING;
import static fr.relais.exam.ExamState.MISMATCHED;
import static fr.relais.exam.ExamState.PROTOCOLED;
import static fr.relais.exam.ExamState.PURGED;
import static fr.relais.exam.ExamState.QUARANTINED;
import static fr.relais.exam.ExamState.READY;
import static fr.relais.exam.ExamState.REFUSED;
import static fr.relais.exam.ExamState.REPORTED;
import static fr.relais.exam.ExamState.REQUESTED;
import static fr.relais.exam.ExamState.UNMATCHED;

/**
 * The legal moves of the exam's life (ARCHITECTURE.md), as data: a pure function that the
 * services, the pages and the tests all ask.
 */
public final class ExamStateMachine {

    private static final Map<ExamState, Set<ExamState>> NEXT = new EnumMap<>(ExamState.class);

    static {
        NEXT.put(REQUESTED, EnumSet.of(PROTOCOLED, INFO_NEEDED, REFUSED, CANCELLED));
        // The hospital's answer puts the request back in the justification queue.
        NEXT.put(INFO_NEEDED, EnumSet.of(REQUESTED, PROTOCOLED, REFUSED, CANCELLED));
        // Images that arrived while the request waited for its decision are held with it (no move)
        // and given to it on acceptance; images whose header names someone else wait in MISMATCHED.
        NEXT.put(PROTOCOLED, EnumSet.of(ACQUIRING, QUARANTINED, MISMATCHED, CANCELLED));
        // A coordinator confirms the identity (then the consent gate) or detaches the images, which
        // go to the unmatched list while the request waits for its own.
        NEXT.put(MISMATCHED, EnumSet.of(ACQUIRING, QUARANTINED, PROTOCOLED, CANCELLED));
        NEXT.put(ACQUIRING, EnumSet.of(READY, QUARANTINED, CANCELLED));
        // Consent releases quarantined images; without it they are purged after the delay.
        NEXT.put(QUARANTINED, EnumSet.of(ACQUIRING, CANCELLED, PURGED));
        // A study without a request waits for a coordinator: attached (its placeholder is then
        // closed) or rejected.
        NEXT.put(UNMATCHED, EnumSet.of(CANCELLED, PURGED));
        NEXT.put(READY, EnumSet.of(IN_READING, CANCELLED, PURGED));
        NEXT.put(IN_READING, EnumSet.of(READY, REPORTED, CANCELLED));
        NEXT.put(REPORTED, EnumSet.of(DELIVERED, PURGED));
        NEXT.put(DELIVERED, EnumSet.of(PURGED));
        NEXT.put(REFUSED, EnumSet.noneOf(ExamState.class));
        NEXT.put(CANCELLED, EnumSet.of(PURGED)); // its images, if any came, go with the retention
        NEXT.put(PURGED, EnumSet.noneOf(ExamState.class));
    }

    /** A move the exam's life does not allow, worded for the person who tried it. */
    public static final class IllegalTransitionException extends RuntimeException {
        private final ExamState from;
        private final ExamState to;

        IllegalTransitionException(ExamState from, ExamState to) {
            super("an exam in state " + from + " cannot become " + to);
            this.from = from;
            this.to = to;
        }

        public ExamState from() {
            return from;
        }

        public ExamState to() {
            return to;
        }

        /** The two states in the reader's words (message codes state.X), as a refusal's arguments. */
        public Object[] stateNames() {
            return new Object[] {new DefaultMessageSourceResolvable("state." + from.name()),
                    new DefaultMessageSourceResolvable("state." + to.name())};
        }
    }

    private ExamStateMachine() {}

    public static boolean allows(ExamState from, ExamState to) {
        return NEXT.get(from).contains(to);
    }

    public static void check(ExamState from, ExamState to) {
        if (!allows(from, to)) {
            throw new IllegalTransitionException(from, to);
        }
    }

    public static Set<ExamState> next(ExamState from) {
        return EnumSet.copyOf(NEXT.get(from));
    }

    /**
     * States whose images no one may see: not in any worklist, page or DICOMweb answer. A request
     * not accepted yet may hold images that arrived early; they wait with it, unseen.
     */
    public static boolean imagesHidden(ExamState state) {
        return state == QUARANTINED || state == UNMATCHED || state == PURGED || state == CANCELLED
                || state == MISMATCHED || state == REQUESTED || state == INFO_NEEDED || state == REFUSED;
    }
}
