package fr.relais.roster;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A reading center as the administrator describes it; seats default to 7. */
public record ReadingCenterRequest(
        @NotBlank(message = "{center.name.required}")
        @Size(max = 200, message = "{center.name.tooLong}")
        String name,
        @Min(value = 1, message = "{center.seats.range}")
        @Max(value = 100, message = "{center.seats.range}")
        Integer seats) {

    public static final int DEFAULT_SEATS = 7;

    public ReadingCenterRequest {
        name = name == null ? null : name.strip();
        seats = seats == null ? DEFAULT_SEATS : seats;
    }

    public static ReadingCenterRequest blank() {
        return new ReadingCenterRequest(null, null);
    }
}
