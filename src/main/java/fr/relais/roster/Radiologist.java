package fr.relais.roster;

import java.util.List;
import java.util.Set;

/** A radiologist's account with the credentials to read and, when on a seat, the current presence. */
public record Radiologist(long id, String username, String displayName, boolean enabled,
                          List<AuthorisedHospital> hospitals, Set<Subspecialty> subspecialties, Presence presence) {

    /** A hospital the radiologist may read for. */
    public record AuthorisedHospital(long id, String name) {}

    public boolean authorisedFor(long hospitalId) {
        return hospitals.stream().anyMatch(h -> h.id() == hospitalId);
    }
}
