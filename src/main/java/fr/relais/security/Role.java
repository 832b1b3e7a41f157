package fr.relais.security;

import org.springframework.context.MessageSource;

import java.util.Locale;

/** The roles of PRODUCT.md. Hospital roles are always bound to one hospital. */
public enum Role {
    ADMIN, COORDINATOR, RADIOLOGIST, HOSPITAL_PHYSICIAN, HOSPITAL_TECHNOLOGIST, BILLING;

    public boolean isHospitalRole() {
        return this == HOSPITAL_PHYSICIAN || this == HOSPITAL_TECHNOLOGIST;
    }

    /**
     * The role in the platform's words (the French bundle's role.X, as the audit trail is written),
     * for the records a person reads: never the constant.
     */
    public String inWords(MessageSource messages) {
        return messages.getMessage("role." + name(), null, Locale.FRENCH);
    }

    /** The Spring Security authority, e.g. ROLE_ADMIN. */
    public String authority() {
        return "ROLE_" + name();
    }
}
