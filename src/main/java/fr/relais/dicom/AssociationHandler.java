package fr.relais.dicom;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/**
 * The application's side of the DICOM door: it decides who may associate and what becomes of each
 * received object. The network code stays here; the decisions stay in the features.
 */
public interface AssociationHandler {

    /**
     * Who asks: AE titles as sent (trimmed), the peer's address, whether the association came over
     * TLS, and the certificate the peer showed in the TLS handshake (its leaf; null on the plain port
     * or when the TLS port asks for none).
     */
    record AssociationRequest(String callingAeTitle, String calledAeTitle, InetSocketAddress peer, boolean tls,
                              X509Certificate peerCertificate) {

        /** A request on the plain port. */
        public AssociationRequest(String callingAeTitle, String calledAeTitle, InetSocketAddress peer) {
            this(callingAeTitle, calledAeTitle, peer, false, null);
        }
    }

    /** Reasons of PS3.8 9.3.4 a service user may give for refusing an association. */
    enum RejectReason {
        NO_REASON(1), CALLING_AE_NOT_RECOGNIZED(3), CALLED_AE_NOT_RECOGNIZED(7);

        final int code;

        RejectReason(int code) {
            this.code = code;
        }
    }

    sealed interface Decision permits Accept, Reject {}

    /**
     * Accept, with the handler that receives this association's objects; caller names who holds
     * the association (a hospital: "hospital:12") for the per-caller bound, or null.
     */
    record Accept(StoreHandler handler, String caller, FindHandler finder) implements Decision {
        public Accept(StoreHandler handler) {
            this(handler, null, null);
        }

        public Accept(StoreHandler handler, String caller) {
            this(handler, caller, null);
        }
    }

    record Reject(RejectReason reason, String detail) implements Decision {}

    Decision associate(AssociationRequest request);

    /** The server refused the association before asking (wrong called AE title): for the audit trail. */
    default void refused(AssociationRequest request, String why) {}

    /** Receives the objects of one association, one at a time, on the association's thread. */
    interface StoreHandler {
        /** Called once the whole data set has arrived; the status is sent back as the C-STORE response. */
        StoreStatus store(StoreRequest request);

        /**
         * A data set outgrew {@link DicomServer#SPOOL_ABOVE_BYTES} of memory: where it goes as it
         * arrives, from its first byte (null keeps it in memory, within the reception budget).
         */
        default DataSetSpool spool(String sopClassUid, String sopInstanceUid, String transferSyntaxUid)
                throws java.io.IOException {
            return null;
        }

        /** The association ended (released, aborted or broken); whatever is pending may be dropped. */
        default void ended() {}

        /** A C-STORE was answered "retry later" before reaching {@link #store} (the reception budget was full). */
        default void askedToRetryLater(String why) {}
    }

    /**
     * Answers this association's Modality Worklist C-FINDs, one at a time, on its thread: the
     * caller's scheduled items; the SCP applies the query's matching keys (PS3.4 C.2.2.2) and
     * returns the keys asked. A null finder (the {@link Accept} default) refuses the worklist.
     */
    interface FindHandler {
        /** The items this caller may see (its own hospital's), before matching. */
        java.util.List<WorklistItem> scheduled();

        /** After each C-FIND: the items returned, or the failure status sent (for the audit trail). */
        default void answered(java.util.List<WorklistItem> returned, StoreStatus failure) {}
    }

    /**
     * A data set written out as it arrives (to disk, encrypted), never whole in memory. The
     * association closes it once the C-STORE is answered, whatever became of it: what was not
     * kept is then removed.
     */
    interface DataSetSpool extends AutoCloseable {
        void write(byte[] bytes, int offset, int length) throws java.io.IOException;

        @Override
        void close();
    }

    /**
     * One C-STORE: the data set as received (no file meta header) in data[0..length), or, for a
     * large one, spooledLength bytes in spool (data is then null).
     */
    record StoreRequest(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                        byte[] data, int length, DataSetSpool spool, long spooledLength) {
        public StoreRequest(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, byte[] data, int length) {
            this(sopClassUid, sopInstanceUid, transferSyntaxUid, data, length, null, 0);
        }

        public static StoreRequest spooled(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                                           DataSetSpool spool, long length) {
            return new StoreRequest(sopClassUid, sopInstanceUid, transferSyntaxUid, null, 0, spool, length);
        }
    }

    /** A DIMSE status (PS3.7 Annex C) and, for failures, a comment the sender's operator can act on. */
    record StoreStatus(int code, String comment) {
        public static final StoreStatus SUCCESS = new StoreStatus(0x0000, null);

        public static StoreStatus outOfResources(String why) {
            return new StoreStatus(0xA700, why);
        }

        public static StoreStatus sopClassNotSupported(String why) {
            return new StoreStatus(0x0122, why);
        }

        public static StoreStatus dataSetDoesNotMatch(String why) {
            return new StoreStatus(0xA900, why);
        }

        public static StoreStatus cannotUnderstand(String why) {
            return new StoreStatus(0xC000, why);
        }

        public static StoreStatus processingFailure(String why) {
            return new StoreStatus(0x0110, why);
        }

        public boolean isSuccess() {
            return code == 0;
        }
    }
}
