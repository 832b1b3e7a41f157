package fr.relais.exam;

/**
 * The exam's life (ARCHITECTURE.md). MISMATCHED holds images whose header identity differs from
 * their request's until a coordinator confirms or detaches them.
 */
public enum ExamState {
    REQUESTED, INFO_NEEDED, REFUSED, PROTOCOLED, ACQUIRING, QUARANTINED, MISMATCHED, UNMATCHED, READY,
    IN_READING, REPORTED, DELIVERED, CANCELLED, PURGED
}
