package fr.relais.request;

/** The patient's consent to the images leaving the hospital. */
public enum ConsentStatus {
    PENDING, PATIENT_SIGNED, TRUSTED_PERSON_SIGNED, VITAL_EMERGENCY_WAIVER;

    /** Images may be read. */
    public boolean permitsReading() {
        return this != PENDING;
    }
}
