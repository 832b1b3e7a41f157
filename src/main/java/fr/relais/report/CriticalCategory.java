package fr.relais.report;

/** What makes a finding critical: it is phoned to the requesting physician, and the call documented. */
public enum CriticalCategory {
    HAEMORRHAGE, PULMONARY_EMBOLISM, AORTIC_DISSECTION, ISCHAEMIC_STROKE, PNEUMOTHORAX, PNEUMOPERITONEUM,
    UNSTABLE_FRACTURE, OTHER
}
