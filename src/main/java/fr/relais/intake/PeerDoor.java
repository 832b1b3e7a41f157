package fr.relais.intake;

import fr.relais.dicom.AssociationHandler.AssociationRequest;
import fr.relais.dicom.AssociationHandler.StoreHandler;

import java.util.Optional;

/**
 * The DICOM door for peers that are not hospitals, such as AI engines answering with an SR: asked
 * only when the calling AE title is no hospital's. A feature implements it so that intake need not
 * know the feature; a caller no door opens to is refused as before.
 */
public interface PeerDoor {

    /** The handler of this peer's association, or empty when the calling AE title is not this door's. */
    Optional<StoreHandler> open(AssociationRequest request);
}
