package fr.relais.exam;

/** The exam's life (ARCHITECTURE.md). Later issues use the states before ACQUIRING and after READY. */
public enum ExamState {
    REQUESTED, INFO_NEEDED, REFUSED, PROTOCOLED, ACQUIRING, QUARANTINED, UNMATCHED, READY,
    IN_READING, REPORTED, DELIVERED, CANCELLED, PURGED
}
