package fr.relais.roster;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** A reading center's seats now: how many are taken, and by whom. */
public record CenterOccupancy(long centerId, String centerName, int seats, List<Presence> present) {

    @JsonProperty
    public int taken() {
        return present.size();
    }

    @JsonProperty
    public int free() {
        return Math.max(0, seats - present.size());
    }

    @JsonProperty
    public boolean full() {
        return present.size() >= seats;
    }
}
