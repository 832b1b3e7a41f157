package fr.relais.roster;

import java.time.OffsetDateTime;

/** A reading center (centre de garde) and its number of reading seats (postes). */
public record ReadingCenter(long id, String name, int seats, OffsetDateTime createdAt) {}
