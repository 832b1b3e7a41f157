package fr.relais.request;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A consent event: the new status, the trusted person's name or the waiver's justification. */
public record ConsentUpdate(@NotNull ConsentStatus status, @Size(max = 128) String trustedPersonName,
                            @Size(max = 2000) String justification) {}
