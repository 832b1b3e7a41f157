package fr.relais.dicom;

import fr.relais.dicom.AssociationHandler.Accept;
import fr.relais.dicom.AssociationHandler.AssociationRequest;
import fr.relais.dicom.AssociationHandler.Decision;
import fr.relais.dicom.AssociationHandler.Reject;
import fr.relais.dicom.AssociationHandler.RejectReason;
import fr.relais.dicom.AssociationHandler.StoreHandler;
import fr.relais.dicom.AssociationHandler.StoreRequest;
import fr.relais.dicom.AssociationHandler.StoreStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One association, acceptor side (PS3.8): negotiation, then DIMSE C-ECHO, C-STORE and Modality
 * Worklist C-FIND until release.
 * Anything that breaks the protocol aborts this association only.
 */
final class Association {

    private static final Logger log = LoggerFactory.getLogger(Association.class);

    private static final int A_ASSOCIATE_RQ = 1, A_ASSOCIATE_AC = 2, A_ASSOCIATE_RJ = 3, P_DATA_TF = 4,
            A_RELEASE_RQ = 5, A_RELEASE_RP = 6, A_ABORT = 7;
    private static final int MAX_ASSOCIATE_RQ_LENGTH = 1 << 16;
    private static final int C_STORE_RQ = 0x0001, C_ECHO_RQ = 0x0030, C_STORE_RSP = 0x8001, C_ECHO_RSP = 0x8030,
            C_FIND_RQ = 0x0020, C_FIND_RSP = 0x8020, C_CANCEL_RQ = 0x0FFF;
    /** A C-FIND identifier is a few keys: anything larger is no query. */
    private static final int MAX_IDENTIFIER_BYTES = 1 << 20;
    private static final StoreStatus PENDING = new StoreStatus(0xFF00, null);
    private static final int NO_DATA_SET = 0x0101;

    /** A violation of the upper layer protocol: the association is aborted. */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    private record PresentationContext(int id, String abstractSyntax, String transferSyntax) {}

    private final int id;
    private final Socket socket;
    private final DicomServer.Settings settings;
    private final AssociationHandler handler;
    private final Admission admission;
    private final Runnable negotiated;
    private Admission.Ticket slot;
    /** What the data set being received holds of the reception budget. */
    private ReceptionBudget.Reservation reservation;
    /** Why the data set being received is dropped (for want of budget, or of disk), or null. */
    private String overBudget;
    /** Where the data set being received goes once it outgrew memory, and how many bytes went there. */
    private AssociationHandler.DataSetSpool spool;
    private long spooled;
    private byte[] scratch;
    private DataInputStream in;
    private OutputStream out;
    private int peerMaxPdu = 16384;
    private final Map<Integer, PresentationContext> contexts = new HashMap<>();
    private StoreHandler storeHandler;
    private AssociationHandler.FindHandler findHandler;
    private String callingAe = "?";

    // The message being received: command first, then its data set, possibly in many fragments.
    private final GrowableBuffer command = new GrowableBuffer(1024);
    private final GrowableBuffer dataSet = new GrowableBuffer(1 << 20);
    private DimseCommand pending;

    Association(int id, Socket socket, DicomServer.Settings settings, AssociationHandler handler, Admission admission,
                Runnable negotiated) {
        this.id = id;
        this.socket = socket;
        this.settings = settings;
        this.handler = handler;
        this.admission = admission;
        this.negotiated = negotiated;
        this.reservation = settings.budget().reserve();
    }

    void run() {
        try {
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            out = socket.getOutputStream();
            if (!negotiate()) {
                return;
            }
            serve();
        } catch (ProtocolException e) {
            log.info("association {} from {} aborted: {}", id, callingAe, e.getMessage());
            abort();
        } catch (Pdu.MalformedPduException e) {
            log.info("association {} from {} aborted: malformed PDU: {}", id, callingAe, e.getMessage());
            abort();
        } catch (SocketTimeoutException e) {
            log.info("association {} from {} aborted after {} s without activity", id, callingAe,
                    settings.idleTimeoutSeconds());
            abort();
        } catch (EOFException e) {
            log.info("association {} from {} closed by the peer without release", id, callingAe);
        } catch (IOException e) {
            log.info("association {} from {} broken: {}", id, callingAe, e.toString());
        } catch (RuntimeException e) {
            log.error("association {} from {} failed", id, callingAe, e);
            abort();
        } finally {
            closeSpool();
            reservation.close();
            if (slot != null) {
                slot.close();
            }
            if (storeHandler != null) {
                storeHandler.ended();
            }
        }
    }

    // ---- negotiation -------------------------------------------------------------------------

    private boolean negotiate() throws IOException, ProtocolException {
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        long length = Integer.toUnsignedLong(in.readInt());
        if (type != A_ASSOCIATE_RQ) {
            throw new ProtocolException("expected A-ASSOCIATE-RQ, got PDU type " + type);
        }
        if (length < 68 || length > MAX_ASSOCIATE_RQ_LENGTH) {
            throw new ProtocolException("A-ASSOCIATE-RQ of implausible length " + length);
        }
        byte[] pdu = new byte[(int) length];
        in.readFully(pdu);
        Pdu.Reader r = new Pdu.Reader(pdu);
        r.skip(4); // protocol version, reserved
        String calledAe = r.ascii(16).trim();
        callingAe = r.ascii(16).trim();
        r.skip(32);
        byte[] calledAeRaw = Arrays.copyOfRange(pdu, 4, 20);
        byte[] callingAeRaw = Arrays.copyOfRange(pdu, 20, 36);

        String applicationContext = null;
        List<Pdu.ProposedContext> proposed = new java.util.ArrayList<>();
        while (r.remaining() > 0) {
            int itemType = r.u8();
            r.skip(1);
            int itemLength = r.u16();
            Pdu.Reader item = r.slice(itemLength);
            switch (itemType) {
                case 0x10 -> applicationContext = item.ascii(itemLength).trim();
                case 0x20 -> proposed.add(Pdu.readProposedContext(item));
                case 0x50 -> readUserInformation(item);
                default -> { /* unknown items are ignored, as the standard asks */ }
            }
        }

        if (!Uids.APPLICATION_CONTEXT.equals(applicationContext)) {
            reject(1, 1, 2);
            return false;
        }
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (!isAeTitle(calledAeRaw) || !isAeTitle(callingAeRaw)) {
            // PS3.5 6.2: an AE title is printable ASCII without backslash; anything else is no one's.
            callingAe = printable(callingAe);
            reject(1, 1, RejectReason.CALLING_AE_NOT_RECOGNIZED.code);
            log.info("association {} from {} rejected: an AE title holds control or non-ASCII characters", id,
                    peer.getAddress().getHostAddress());
            return false;
        }
        AssociationRequest request = new AssociationRequest(callingAe, calledAe, peer, socket instanceof SSLSocket,
                peerCertificate(socket));
        if (!settings.aeTitle().equals(calledAe)) {
            handler.refused(request, "called AE title " + calledAe + " is not " + settings.aeTitle());
            reject(1, 1, RejectReason.CALLED_AE_NOT_RECOGNIZED.code);
            return false;
        }
        Decision decision = handler.associate(request);
        if (decision instanceof Reject rejection) {
            reject(1, 1, rejection.reason().code);
            log.info("association {} from {} rejected: {}", id, callingAe, rejection.detail());
            return false;
        }
        Accept accepted = (Accept) decision;
        slot = admission.associate(accepted.caller(), peer.getAddress());
        if (slot == null) {
            String why = "local limit exceeded: " + settings.maxAssociations() + " associations in all, "
                    + settings.limits().maxPerCaller() + " per hospital, " + settings.limits().maxPerSource()
                    + " per address";
            handler.refused(request, why);
            // Presentation-layer rejection, "local limit exceeded": the sender should retry later.
            reject(2, 3, 2);
            log.warn("association {} from {} refused: {}", id, callingAe, why);
            return false;
        }
        storeHandler = accepted.handler();
        findHandler = accepted.finder();

        Pdu.Writer ac = new Pdu.Writer(A_ASSOCIATE_AC);
        ac.u16(1).u16(0).bytes(calledAeRaw).bytes(callingAeRaw).zeros(32);
        ac.item(0x10, Uids.APPLICATION_CONTEXT.getBytes(StandardCharsets.US_ASCII));
        for (Pdu.ProposedContext pc : proposed) {
            String chosen = chooseTransferSyntax(pc);
            int result = chosen != null ? 0 : (isSupportedAbstractSyntax(pc.abstractSyntax()) ? 4 : 3);
            if (chosen != null) {
                contexts.put(pc.id(), new PresentationContext(pc.id(), pc.abstractSyntax(), chosen));
            }
            String tsInReply = chosen != null ? chosen
                    : (pc.transferSyntaxes().isEmpty() ? Uids.IMPLICIT_VR_LITTLE_ENDIAN : pc.transferSyntaxes().get(0));
            Pdu.Writer sub = new Pdu.Writer(-1);
            sub.u8(pc.id()).u8(0).u8(result).u8(0).item(0x40, Pdu.uid(tsInReply));
            ac.item(0x21, sub.body());
        }
        Pdu.Writer user = new Pdu.Writer(-1);
        user.item(0x51, Pdu.Writer.int32(settings.maxPduLength()));
        user.item(0x52, Pdu.uid(Uids.IMPLEMENTATION_CLASS_UID));
        user.item(0x55, Uids.IMPLEMENTATION_VERSION.getBytes(StandardCharsets.US_ASCII));
        ac.item(0x50, user.body());
        out.write(ac.pdu());
        out.flush();
        negotiated.run();
        log.debug("association {} from {} accepted with {} presentation contexts", id, callingAe, contexts.size());
        return true;
    }

    /** The leaf certificate the TLS peer showed (the handshake is already done), or null. */
    private static X509Certificate peerCertificate(Socket socket) {
        if (!(socket instanceof SSLSocket tls)) {
            return null;
        }
        try {
            Certificate[] chain = tls.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    private static boolean isAeTitle(byte[] raw) {
        boolean any = false;
        for (byte b : raw) {
            if (b < 0x20 || b > 0x7E || b == '\\') {
                return false;
            }
            any |= b != ' ';
        }
        return any;
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private void readUserInformation(Pdu.Reader item) {
        while (item.remaining() >= 4) {
            int subType = item.u8();
            item.skip(1);
            int subLength = item.u16();
            Pdu.Reader sub = item.slice(subLength);
            if (subType == 0x51 && subLength == 4) {
                long max = Integer.toUnsignedLong(sub.s32());
                // 0 means unlimited; we still send PDUs no larger than our own limit.
                peerMaxPdu = max == 0 ? settings.maxPduLength() : (int) Math.min(max, settings.maxPduLength());
                peerMaxPdu = Math.max(peerMaxPdu, 1024);
            }
        }
    }

    /**
     * Verification, storage, and the worklist when the caller may query it; a Query/Retrieve FIND
     * class is taken too, to answer its C-FIND with a failure that says why.
     */
    private boolean isSupportedAbstractSyntax(String uid) {
        return Uids.VERIFICATION.equals(uid) || Uids.isStorageClass(uid) || (findHandler != null && isFindClass(uid));
    }

    private static boolean isFindClass(String uid) {
        return Uids.MODALITY_WORKLIST_FIND.equals(uid) || Uids.QUERY_RETRIEVE_FIND.contains(uid);
    }

    /** The sender's preferred syntax among those we store as they are. */
    private String chooseTransferSyntax(Pdu.ProposedContext pc) {
        if (!isSupportedAbstractSyntax(pc.abstractSyntax())) {
            return null;
        }
        for (String ts : pc.transferSyntaxes()) {
            if (Uids.VERIFICATION.equals(pc.abstractSyntax()) || isFindClass(pc.abstractSyntax())
                    ? ts.equals(Uids.IMPLICIT_VR_LITTLE_ENDIAN) || ts.equals(Uids.EXPLICIT_VR_LITTLE_ENDIAN)
                    : Uids.ACCEPTED_TRANSFER_SYNTAXES.contains(ts)) {
                return ts;
            }
        }
        return null;
    }

    private void reject(int result, int source, int reason) throws IOException {
        out.write(new byte[]{A_ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason});
        out.flush();
    }

    private void abort() {
        try {
            out.write(new byte[]{A_ABORT, 0, 0, 0, 0, 4, 0, 0, 2, 0});
            out.flush();
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone
        }
    }

    // ---- data transfer -----------------------------------------------------------------------

    private void serve() throws IOException, ProtocolException {
        while (true) {
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            long length = Integer.toUnsignedLong(in.readInt());
            switch (type) {
                case P_DATA_TF -> readPData(length);
                case A_RELEASE_RQ -> {
                    in.skipNBytes(length);
                    out.write(new byte[]{A_RELEASE_RP, 0, 0, 0, 0, 4, 0, 0, 0, 0});
                    out.flush();
                    return;
                }
                case A_ABORT -> {
                    log.info("association {} from {} aborted by the peer", id, callingAe);
                    return;
                }
                default -> throw new ProtocolException("unexpected PDU type " + type + " during data transfer");
            }
        }
    }

    private void readPData(long pduLength) throws IOException, ProtocolException {
        // A peer may send up to the length we announced; allow the PDV headers on top.
        if (pduLength > settings.maxPduLength() + 64L || pduLength < 6) {
            throw new ProtocolException("P-DATA-TF of length " + pduLength + " exceeds the negotiated maximum");
        }
        long remaining = pduLength;
        while (remaining > 0) {
            if (remaining < 6) {
                throw new ProtocolException("truncated PDV item");
            }
            long pdvLength = Integer.toUnsignedLong(in.readInt());
            if (pdvLength < 2 || pdvLength > remaining - 4) {
                throw new ProtocolException("PDV item length " + pdvLength + " does not fit its PDU");
            }
            int contextId = in.readUnsignedByte();
            int header = in.readUnsignedByte();
            int valueLength = (int) pdvLength - 2;
            remaining -= 4 + pdvLength;
            PresentationContext pc = contexts.get(contextId);
            if (pc == null) {
                throw new ProtocolException("PDV on presentation context " + contextId + " that was not accepted");
            }
            boolean isCommand = (header & 1) != 0;
            boolean last = (header & 2) != 0;
            if (isCommand) {
                if (pending != null) {
                    throw new ProtocolException("a command arrived before the previous data set ended");
                }
                if (command.size() + valueLength > 64 * 1024) {
                    throw new ProtocolException("command set larger than 64 KiB");
                }
                command.readFrom(in, valueLength);
                if (last) {
                    onCommand(pc);
                }
            } else {
                if (pending == null) {
                    throw new ProtocolException("a data set fragment arrived without its command");
                }
                long received = spool != null ? spooled : dataSet.size();
                boolean finding = pending.commandField() == C_FIND_RQ;
                if (finding && received + valueLength > MAX_IDENTIFIER_BYTES) {
                    throw new ProtocolException("C-FIND identifier larger than " + MAX_IDENTIFIER_BYTES + " bytes");
                }
                if (received + valueLength > settings.maxObjectBytes()) {
                    throw new ProtocolException("data set larger than " + settings.maxObjectBytes() + " bytes");
                }
                if (!finding && overBudget == null && spool == null && received + valueLength > DicomServer.SPOOL_ABOVE_BYTES) {
                    startSpool(pc);
                }
                // A spooled data set holds what it held when it left memory, whatever its size.
                if (overBudget == null && spool == null && !reservation.grow(received + valueLength)) {
                    // The rest of this data set is read and dropped: the association stays in step.
                    overBudget = reservation.refusal();
                    dataSet.release(1 << 20);
                }
                if (overBudget != null) {
                    in.skipNBytes(valueLength);
                } else if (spool != null) {
                    spoolFrom(valueLength);
                } else {
                    dataSet.readFrom(in, valueLength);
                }
                if (last) {
                    onDataSet(pc);
                }
            }
        }
    }

    /** The data set leaves memory: what arrived so far goes first, the rest as it comes. */
    private void startSpool(PresentationContext pc) throws IOException {
        try {
            spool = storeHandler.spool(pending.affectedSopClassUid(), pending.affectedSopInstanceUid(), pc.transferSyntax());
            if (spool != null) {
                spool.write(dataSet.array(), 0, dataSet.size());
                spooled = dataSet.size();
                dataSet.release(1 << 20);
                // From here on: the receive buffer kept, the spool's chunk and its sealed copy.
                reservation.holdOnly(DicomServer.SPOOLING_HEAP_BYTES);
            }
        } catch (IOException e) {
            spoolFailed(e);
        }
    }

    private void spoolFrom(int length) throws IOException {
        if (scratch == null) {
            scratch = new byte[1 << 16];
        }
        while (length > 0) {
            int n = Math.min(length, scratch.length);
            in.readFully(scratch, 0, n);
            length -= n;
            if (overBudget != null) {
                continue; // dropped: read on to stay in step
            }
            try {
                spool.write(scratch, 0, n);
                spooled += n;
            } catch (IOException e) {
                spoolFailed(e);
            }
        }
    }

    /** The disk refused (full, say): the rest of the data set is read and dropped, the sender told to retry. */
    private void spoolFailed(IOException e) {
        log.error("association {} from {}: cannot write a large data set out: {}", id, callingAe, e.toString());
        overBudget = "storage unavailable: retry later";
        closeSpool();
    }

    private void closeSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
        spooled = 0;
    }

    private void onCommand(PresentationContext pc) throws IOException, ProtocolException {
        DimseCommand cmd = DimseCommand.parse(command.array(), command.size());
        command.reset();
        switch (cmd.commandField()) {
            case C_ECHO_RQ -> {
                if (!Uids.VERIFICATION.equals(pc.abstractSyntax())) {
                    throw new ProtocolException("C-ECHO on a non-verification presentation context");
                }
                sendResponse(pc, DimseCommand.response(C_ECHO_RSP, cmd.messageId(), Uids.VERIFICATION, null,
                        StoreStatus.SUCCESS));
            }
            case C_STORE_RQ -> {
                if (cmd.dataSetType() == NO_DATA_SET) {
                    throw new ProtocolException("C-STORE-RQ without a data set");
                }
                pending = cmd;
                dataSet.reset();
            }
            case C_FIND_RQ -> {
                if (cmd.dataSetType() == NO_DATA_SET) {
                    // Nothing to wait for: answered at once, the association goes on.
                    answerFind(pc, cmd, StoreStatus.dataSetDoesNotMatch("C-FIND-RQ without an identifier"), List.of());
                } else {
                    pending = cmd;
                    dataSet.reset();
                }
            }
            // Each C-FIND is answered whole before the next command is read: nothing is left to cancel.
            case C_CANCEL_RQ -> log.debug("association {} from {}: C-CANCEL after the answer, ignored", id, callingAe);
            default -> throw new ProtocolException(String.format("DIMSE command 0x%04X is not served here",
                    cmd.commandField()));
        }
    }

    private void onDataSet(PresentationContext pc) throws IOException {
        DimseCommand cmd = pending;
        pending = null;
        if (cmd.commandField() == C_FIND_RQ) {
            onFind(pc, cmd);
            return;
        }
        StoreStatus status;
        String sopClass = cmd.affectedSopClassUid();
        if (sopClass == null || sopClass.isEmpty() || cmd.affectedSopInstanceUid() == null
                || cmd.affectedSopInstanceUid().isEmpty()) {
            status = StoreStatus.cannotUnderstand("C-STORE-RQ lacks the affected SOP class or instance UID");
        } else if (overBudget != null) {
            status = StoreStatus.outOfResources(overBudget);
            try {
                storeHandler.askedToRetryLater(overBudget);
            } catch (RuntimeException e) {
                log.warn("association {} from {}: recording a retry-later failed: {}", id, callingAe, e.toString());
            }
        } else if (!sopClass.equals(pc.abstractSyntax())) {
            status = StoreStatus.dataSetDoesNotMatch("SOP class differs from its presentation context");
        } else {
            try {
                status = storeHandler.store(spool != null
                        ? StoreRequest.spooled(sopClass, cmd.affectedSopInstanceUid(), pc.transferSyntax(), spool, spooled)
                        : new StoreRequest(sopClass, cmd.affectedSopInstanceUid(), pc.transferSyntax(), dataSet.array(),
                                dataSet.size()));
            } catch (RuntimeException e) {
                log.error("association {} from {}: storing failed", id, callingAe, e);
                status = StoreStatus.processingFailure("internal error while storing; retry later");
            }
        }
        closeSpool();
        dataSet.release(1 << 20);
        reservation.close();
        overBudget = null;
        sendResponse(pc, DimseCommand.response(C_STORE_RSP, cmd.messageId(), sopClass,
                cmd.affectedSopInstanceUid(), status));
    }

    /** A C-FIND: the worklist's matches, each a pending response with its identifier, then the final status. */
    private void onFind(PresentationContext pc, DimseCommand cmd) throws IOException {
        WorklistFind.Answer answer;
        String sopClass = cmd.affectedSopClassUid();
        if (overBudget != null) {
            answer = WorklistFind.Answer.failed(StoreStatus.outOfResources(overBudget));
        } else if (!Uids.MODALITY_WORKLIST_FIND.equals(pc.abstractSyntax())) {
            answer = WorklistFind.Answer.failed(StoreStatus.sopClassNotSupported(
                    "only the Modality Worklist (" + Uids.MODALITY_WORKLIST_FIND + ") is queried here"));
        } else if (sopClass == null || !sopClass.equals(pc.abstractSyntax())) {
            answer = WorklistFind.Answer.failed(StoreStatus.dataSetDoesNotMatch("SOP class differs from its presentation context"));
        } else {
            try {
                answer = WorklistFind.answer(dataSet.array(), dataSet.size(), pc.transferSyntax(), findHandler);
            } catch (RuntimeException e) {
                log.error("association {} from {}: worklist query failed", id, callingAe, e);
                answer = WorklistFind.Answer.failed(StoreStatus.processingFailure("worklist unavailable; retry later"));
            }
        }
        dataSet.release(1 << 20);
        reservation.close();
        overBudget = null;
        for (byte[] identifier : answer.identifiers()) {
            sendResponse(pc, DimseCommand.response(C_FIND_RSP, cmd.messageId(), pc.abstractSyntax(), null, PENDING, true));
            sendDataSet(pc, identifier);
        }
        answerFind(pc, cmd, answer.failure(), answer.matched());
    }

    private void answerFind(PresentationContext pc, DimseCommand cmd, StoreStatus failure, List<WorklistItem> matched)
            throws IOException {
        try {
            if (findHandler != null) {
                findHandler.answered(failure == null ? matched : List.of(), failure);
            }
        } catch (RuntimeException e) {
            log.warn("association {} from {}: recording a worklist query failed: {}", id, callingAe, e.toString());
        }
        sendResponse(pc, DimseCommand.response(C_FIND_RSP, cmd.messageId(), pc.abstractSyntax(), null,
                failure == null ? StoreStatus.SUCCESS : failure));
    }

    /** A data set in PDVs no larger than the peer takes. */
    private void sendDataSet(PresentationContext pc, byte[] data) throws IOException {
        int maxValue = peerMaxPdu - 6;
        int at = 0;
        do {
            int n = Math.min(maxValue, data.length - at);
            boolean last = at + n == data.length;
            byte[] pdu = new byte[12 + n];
            pdu[0] = P_DATA_TF;
            Pdu.Writer.putInt(pdu, 2, 6 + n);
            Pdu.Writer.putInt(pdu, 6, 2 + n);
            pdu[10] = (byte) pc.id();
            pdu[11] = (byte) (last ? 0x02 : 0x00);
            System.arraycopy(data, at, pdu, 12, n);
            out.write(pdu);
            at += n;
        } while (at < data.length);
        out.flush();
    }

    /** One PDU, one write: a response split in two would wait on Nagle and delayed ACKs. */
    private void sendResponse(PresentationContext pc, byte[] commandSet) throws IOException {
        byte[] pdu = new byte[6 + 6 + commandSet.length];
        Pdu.Writer.putInt(pdu, 2, 6 + commandSet.length);
        pdu[0] = P_DATA_TF;
        Pdu.Writer.putInt(pdu, 6, 2 + commandSet.length);
        pdu[10] = (byte) pc.id();
        pdu[11] = 0x03; // command, last fragment
        System.arraycopy(commandSet, 0, pdu, 12, commandSet.length);
        if (pdu.length - 6 > peerMaxPdu) {
            throw new IOException("response does not fit the peer's maximum PDU length");
        }
        out.write(pdu);
        out.flush();
    }
}
