package fr.relais.delivery;

import fr.relais.platform.Actor;
import fr.relais.platform.NotFoundException;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.List;

/** Destinations per hospital (administrators) and the state of deliveries (coordinators). */
@RestController
class DeliveryApiController {

    private final DestinationService destinations;
    private final DeliveryService deliveries;

    DeliveryApiController(DestinationService destinations, DeliveryService deliveries) {
        this.destinations = destinations;
        this.deliveries = deliveries;
    }

    @GetMapping("/api/hospitals/{hospitalId}/destinations")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<Destination> destinations(@PathVariable long hospitalId) {
        return destinations.of(hospitalId);
    }

    @PostMapping("/api/hospitals/{hospitalId}/destinations")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Destination> add(@PathVariable long hospitalId, @Valid @RequestBody DestinationRequest request,
                                    Actor actor, UriComponentsBuilder uri) {
        Destination added = destinations.add(hospitalId, request, actor);
        return ResponseEntity.created(uri.path("/api/hospitals/{h}/destinations/{id}").build(hospitalId, added.id()))
                .body(added);
    }

    @DeleteMapping("/api/hospitals/{hospitalId}/destinations/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> remove(@PathVariable long hospitalId, @PathVariable long id, Actor actor) {
        destinations.remove(hospitalId, id, actor);
        return ResponseEntity.noContent().build();
    }

    /** Nothing more is sent there; what it still owed is cancelled (visible, audited). */
    @PostMapping("/api/hospitals/{hospitalId}/destinations/{id}/disable")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> disable(@PathVariable long hospitalId, @PathVariable long id, Actor actor) {
        destinations.disable(hospitalId, id, actor);
        return ResponseEntity.noContent().build();
    }

    /** Reports signed from now on go there again; cancelled deliveries are sent again only on request. */
    @PostMapping("/api/hospitals/{hospitalId}/destinations/{id}/enable")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> enable(@PathVariable long hospitalId, @PathVariable long id, Actor actor) {
        destinations.enable(hospitalId, id, actor);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/deliveries")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    List<DeliveryStatus> deliveries() {
        return deliveries.rows(null, null);
    }

    @PostMapping("/api/deliveries/{id}/retry")
    @PreAuthorize("hasAnyRole('ADMIN','COORDINATOR')")
    ResponseEntity<Void> retry(@PathVariable long id) {
        if (!deliveries.retryNow(id)) {
            throw new NotFoundException("delivery.notRetryable", "Aucun envoi en attente, refusé ou annulé vers une destination réactivée avec ce numéro.");
        }
        return ResponseEntity.accepted().build();
    }
}
