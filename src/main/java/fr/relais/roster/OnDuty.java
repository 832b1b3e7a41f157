package fr.relais.roster;

import java.util.Set;

/** A radiologist checked in to a seat now, with the hospitals they may read for. */
public record OnDuty(long userId, String username, String displayName, long centerId, String centerName,
                     Set<Long> hospitalIds) {}
