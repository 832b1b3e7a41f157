package fr.relais.security;

/** The roles of PRODUCT.md. Hospital roles are always bound to one hospital. */
public enum Role {
    ADMIN, COORDINATOR, RADIOLOGIST, HOSPITAL_PHYSICIAN, HOSPITAL_TECHNOLOGIST, BILLING;

    public boolean isHospitalRole() {
        return this == HOSPITAL_PHYSICIAN || this == HOSPITAL_TECHNOLOGIST;
    }

    /** The Spring Security authority, e.g. ROLE_ADMIN. */
    public String authority() {
        return "ROLE_" + name();
    }
}
