package fr.relais.roster;

import java.util.List;

/** A reading center's seats now: how many are taken, and by whom. */
public record CenterOccupancy(long centerId, String centerName, int seats, List<Presence> present) {

    public int taken() {
        return present.size();
    }

    public int free() {
        return Math.max(0, seats - present.size());
    }

    public boolean full() {
        return present.size() >= seats;
    }
}
