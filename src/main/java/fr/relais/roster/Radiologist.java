package fr.relais.roster;

import java.util.List;
import java.util.Set;

/**
 * A radiologist's account with the credentials to read, the RPPS number the acts are billed under
 * (null until the administrator enters it), and, when on a seat, the current presence.
 */
public record Radiologist(long id, String username, String displayName, boolean enabled, String rpps,
                          List<AuthorisedHospital> hospitals, Set<Subspecialty> subspecialties, Presence presence) {

    /** A hospital the radiologist may read for. */
    public record AuthorisedHospital(long id, String name) {}

    public boolean authorisedFor(long hospitalId) {
        return hospitals.stream().anyMatch(h -> h.id() == hospitalId);
    }
}
