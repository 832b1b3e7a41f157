package fr.relais.delivery;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A destination as an administrator declares it. */
public record DestinationRequest(
        @NotNull(message = "{destination.kind.required}") Destination.Kind kind,
        @NotBlank(message = "{destination.label.required}") @Size(max = 80, message = "{destination.label.size}") String label,
        @NotBlank(message = "{destination.host.required}")
        @Pattern(regexp = "^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$", message = "{destination.host.invalid}") String host,
        @NotNull(message = "{destination.port.required}") @Min(value = 1, message = "{destination.port.invalid}")
        @Max(value = 65535, message = "{destination.port.invalid}") Integer port,
        @NotBlank(message = "{destination.remoteName.required}")
        @Pattern(regexp = "^[ -\\[\\]-~]{1,16}$", message = "{destination.remoteName.invalid}") String remoteName,
        Boolean enabled) {}
