package fr.relais.roster;

/** The subspecialties a radiologist may hold (table radiologist_subspecialty). */
public enum Subspecialty {
    NEURO, PAEDIATRIC, MUSCULOSKELETAL, VASCULAR, THORACIC, ABDOMINAL, CARDIAC, INTERVENTIONAL
}
