package fr.relais.dicom;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The one DICOM SCU. Sends data sets by C-STORE to another application entity (a hospital's PACS, an AI engine) and
 * returns their statuses: {@link #store} sends one on an association of its own; {@link #open}
 * opens one association for a batch (a whole study), a presentation context per SOP class,
 * released when the session is closed; on such a session, C-ECHO, and C-FIND and C-MOVE to ask a
 * PACS for priors ({@link StudyQuery}). A refusal, an abort or a timeout is an {@link IOException}
 * with the reason, for the caller to retry later.
 */
public final class StoreScu {

    /** The peer's answer to the C-STORE: 0x0000 success, 0xB000–0xBFFF warnings, anything else a failure. */
    public record Status(int code, String errorComment) {
        public boolean stored() {
            return code == 0 || (code & 0xF000) == 0xB000;
        }
    }

    private static final int A_ASSOCIATE_RQ = 1, A_ASSOCIATE_AC = 2, A_ASSOCIATE_RJ = 3, P_DATA_TF = 4,
            A_RELEASE_RQ = 5, A_RELEASE_RP = 6, A_ABORT = 7;
    private static final int C_STORE_RQ = 0x0001, C_STORE_RSP = 0x8001, C_ECHO_RQ = 0x0030, C_ECHO_RSP = 0x8030,
            C_FIND_RQ = 0x0020, C_FIND_RSP = 0x8020, C_MOVE_RQ = 0x0021, C_MOVE_RSP = 0x8021;
    /** A C-FIND answer's identifier is a few keys; a larger one is no answer. */
    private static final int MAX_IDENTIFIER_BYTES = 1 << 20;
    private static final int OUR_MAX_PDU = 64 * 1024;
    private static final int MAX_RESPONSE_PDU = 1 << 20;

    private final String host;
    private final int port;
    private final String callingAe;
    private final String calledAe;
    private final Duration timeout;

    public StoreScu(String host, int port, String callingAe, String calledAe, Duration timeout) {
        this.host = host;
        this.port = port;
        this.callingAe = callingAe;
        this.calledAe = calledAe;
        this.timeout = timeout;
    }

    /**
     * Stores one data set, on an association of its own; {@code dataSet} writes it in the transfer
     * syntax the peer accepted.
     */
    public Status store(String sopClassUid, String sopInstanceUid, DataSetWriter dataSet) throws IOException {
        Socket socket = new Socket();
        // The timeout bounds the whole exchange, so that a peer answering a byte at a time cannot hold us.
        try (SocketDeadline deadline = SocketDeadline.of(socket, timeout)) {
            try (Session session = open(socket, List.of(sopClassUid), deadline)) {
                return session.store(sopClassUid, sopInstanceUid, dataSet);
            } catch (IOException e) {
                throw deadline.expired() ? deadline.timedOut() : e;
            }
        }
    }

    /**
     * Opens one association for data sets of these SOP classes; it fails when the peer accepts none
     * of them ({@link Session#accepts} says which it took).
     */
    public Session open(Collection<String> sopClassUids) throws IOException {
        List<String> classes = List.copyOf(new LinkedHashSet<>(sopClassUids));
        if (classes.isEmpty() || classes.size() > 128) {
            throw new IllegalArgumentException("an association proposes 1 to 128 SOP classes, not " + classes.size());
        }
        Socket socket = new Socket();
        // Connecting and negotiating share one deadline; each C-STORE then has the timeout per read.
        try (SocketDeadline deadline = SocketDeadline.of(socket, timeout)) {
            try {
                return open(socket, classes, deadline);
            } catch (IOException e) {
                throw deadline.expired() ? deadline.timedOut() : e;
            }
        }
    }

    private Session open(Socket socket, List<String> classes, SocketDeadline deadline) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), deadline.remainingMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            out.write(associateRequest(classes));
            out.flush();
            Accepted accepted = readAssociateAnswer(in, classes);
            return new Session(socket, in, out, accepted);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** One open association: data sets one after the other, then released by {@link #close}. */
    public final class Session implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final Accepted accepted;
        private int messageId;

        private Session(Socket socket, DataInputStream in, OutputStream out, Accepted accepted) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.accepted = accepted;
        }

        public boolean accepts(String sopClassUid) {
            return accepted.contexts().containsKey(sopClassUid);
        }

        public Status store(String sopClassUid, String sopInstanceUid, DataSetWriter dataSet) throws IOException {
            Context context = accepted.contexts().get(sopClassUid);
            if (context == null) {
                throw new IOException(calledAe + " accepted the association but not the SOP class " + Uids.className(sopClassUid));
            }
            messageId = (messageId % 0xFFFF) + 1;
            byte[] command = storeCommand(sopClassUid, sopInstanceUid, messageId);
            byte[] data = dataSet.write(context.transferSyntax());
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), true, command);
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), false, data);
            return readResponse(in, C_STORE_RSP);
        }

        /** C-ECHO (verification): the peer's answer, on an association that proposed {@link Uids#VERIFICATION}. */
        public Status echo() throws IOException {
            Context context = accepted.contexts().get(Uids.VERIFICATION);
            if (context == null) {
                throw new IOException(calledAe + " accepted the association but not verification (C-ECHO)");
            }
            messageId = (messageId % 0xFFFF) + 1;
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), true, echoCommand(messageId));
            return readResponse(in, C_ECHO_RSP);
        }

        /**
         * C-FIND (a Query/Retrieve FIND class): the identifiers of the pending responses and the
         * final status; the identifier is written in the transfer syntax the peer accepted.
         */
        public FindResult find(String sopClassUid, DataSetWriter identifier) throws IOException {
            Context context = context(sopClassUid);
            messageId = (messageId % 0xFFFF) + 1;
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), true, queryCommand(C_FIND_RQ, sopClassUid, messageId, null));
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), false, identifier.write(context.transferSyntax()));
            java.util.List<byte[]> found = new java.util.ArrayList<>();
            while (true) {
                Message m = readMessage(in, C_FIND_RSP);
                if (!m.pending()) {
                    return new FindResult(m.status(), m.comment(), found, context.transferSyntax());
                }
                if (m.dataSet() != null) {
                    found.add(m.dataSet());
                }
            }
        }

        /**
         * C-MOVE (a Query/Retrieve MOVE class) to the destination AE title: the peer sends the
         * objects to it on associations of its own; the final status and sub-operation counts.
         */
        public MoveResult move(String sopClassUid, String destinationAe, DataSetWriter identifier) throws IOException {
            Context context = context(sopClassUid);
            messageId = (messageId % 0xFFFF) + 1;
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), true,
                    queryCommand(C_MOVE_RQ, sopClassUid, messageId, destinationAe));
            sendPdvs(out, accepted.peerMaxPdu(), context.id(), false, identifier.write(context.transferSyntax()));
            while (true) {
                Message m = readMessage(in, C_MOVE_RSP);
                if (!m.pending()) {
                    return new MoveResult(m.status(), m.comment(), m.completed(), m.failed(), m.warning());
                }
            }
        }

        private Context context(String sopClassUid) throws IOException {
            Context context = accepted.contexts().get(sopClassUid);
            if (context == null) {
                throw new IOException(calledAe + " accepted the association but not " + sopClassUid);
            }
            return context;
        }

        /** Releases the association (the statuses are already known: a peer that closes instead is not an error). */
        @Override
        public void close() throws IOException {
            try (socket) {
                out.write(new byte[]{A_RELEASE_RQ, 0, 0, 0, 0, 4, 0, 0, 0, 0});
                out.flush();
                readPdu(in); // A-RELEASE-RP, or whatever the peer says before closing
            } catch (IOException ignored) {
                // the association is over either way
            }
        }
    }

    /** The answer to a C-FIND: final status (0x0000 success), comment, the identifiers found and their syntax. */
    public record FindResult(int status, String comment, java.util.List<byte[]> identifiers, String transferSyntax) {
        public boolean succeeded() {
            return status == 0;
        }
    }

    /** The answer to a C-MOVE: final status (0x0000 all moved, 0xB000 some failed), comment, sub-operations. */
    public record MoveResult(int status, String comment, int completed, int failed, int warning) {
        public boolean succeeded() {
            return status == 0;
        }
    }

    /** One DIMSE message read: its command's fields and, when one followed, its data set. */
    private record Message(int field, int status, String comment, int completed, int failed, int warning,
                           byte[] dataSet) {
        boolean pending() {
            return status == 0xFF00 || status == 0xFF01;
        }
    }

    /** Writes the data set in a transfer syntax (explicit or implicit VR little endian). */
    @FunctionalInterface
    public interface DataSetWriter {
        byte[] write(String transferSyntaxUid) throws IOException;
    }

    /** A presentation context the peer accepted: its id and the transfer syntax it chose. */
    private record Context(int id, String transferSyntax) {}

    private record Accepted(Map<String, Context> contexts, int peerMaxPdu) {}

    /** Context ids are odd (PS3.8 9.3.2.2): 1, 3, 5… in the order of the classes. */
    private byte[] associateRequest(List<String> sopClassUids) {
        Pdu.Writer rq = new Pdu.Writer(A_ASSOCIATE_RQ);
        rq.u16(1).u16(0).bytes(ae(calledAe)).bytes(ae(callingAe)).zeros(32);
        rq.item(0x10, Pdu.uid(Uids.APPLICATION_CONTEXT));
        for (int i = 0; i < sopClassUids.size(); i++) {
            Pdu.Writer context = new Pdu.Writer(-1);
            context.u8(2 * i + 1).zeros(3)
                    .item(0x30, Pdu.uid(sopClassUids.get(i)))
                    .item(0x40, Pdu.uid(Uids.EXPLICIT_VR_LITTLE_ENDIAN))
                    .item(0x40, Pdu.uid(Uids.IMPLICIT_VR_LITTLE_ENDIAN));
            rq.item(0x20, context.body());
        }
        Pdu.Writer user = new Pdu.Writer(-1);
        user.item(0x51, Pdu.Writer.int32(OUR_MAX_PDU));
        user.item(0x52, Pdu.uid(Uids.IMPLEMENTATION_CLASS_UID));
        user.item(0x55, Uids.IMPLEMENTATION_VERSION.getBytes(StandardCharsets.US_ASCII));
        rq.item(0x50, user.body());
        return rq.pdu();
    }

    private static byte[] ae(String title) {
        byte[] padded = "                ".getBytes(StandardCharsets.US_ASCII);
        byte[] t = title.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, padded, 0, Math.min(16, t.length));
        return padded;
    }

    private Accepted readAssociateAnswer(DataInputStream in, List<String> sopClassUids) throws IOException {
        byte[] pdu = readPdu(in);
        int type = pdu[0] & 0xFF;
        if (type == A_ASSOCIATE_RJ) {
            throw new IOException("association rejected by " + calledAe + " (result " + (pdu[7] & 0xFF) + ", source "
                    + (pdu[8] & 0xFF) + ", reason " + (pdu[9] & 0xFF) + ")");
        }
        if (type != A_ASSOCIATE_AC) {
            throw new IOException("expected A-ASSOCIATE-AC from " + calledAe + ", got PDU type " + type);
        }
        Pdu.Reader r = new Pdu.Reader(java.util.Arrays.copyOfRange(pdu, 6, pdu.length));
        r.skip(68);
        Map<String, Context> contexts = new HashMap<>();
        int peerMax = OUR_MAX_PDU;
        while (r.remaining() >= 4) {
            int itemType = r.u8();
            r.skip(1);
            int length = r.u16();
            Pdu.Reader item = r.slice(length);
            if (itemType == 0x21) {
                int id = item.u8();
                item.skip(1);
                int result = item.u8();
                item.skip(1);
                while (item.remaining() >= 4) {
                    int sub = item.u8();
                    item.skip(1);
                    String uid = Pdu.trimUid(item.ascii(item.u16()));
                    int index = (id - 1) / 2;
                    if (sub == 0x40 && result == 0 && id % 2 == 1 && index < sopClassUids.size()) {
                        contexts.put(sopClassUids.get(index), new Context(id, uid));
                    }
                }
            } else if (itemType == 0x50) {
                while (item.remaining() >= 4) {
                    int sub = item.u8();
                    item.skip(1);
                    int subLength = item.u16();
                    Pdu.Reader value = item.slice(subLength);
                    if (sub == 0x51 && subLength == 4) {
                        long max = Integer.toUnsignedLong(value.s32());
                        peerMax = max == 0 ? OUR_MAX_PDU : (int) Math.max(1024, Math.min(max, OUR_MAX_PDU));
                    }
                }
            }
        }
        if (contexts.isEmpty()) {
            throw new IOException(calledAe + " accepted the association but not the SOP class "
                    + sopClassUids.stream().map(Uids::className).toList());
        }
        return new Accepted(Map.copyOf(contexts), peerMax);
    }

    private static void sendPdvs(OutputStream out, int peerMaxPdu, int contextId, boolean command, byte[] value)
            throws IOException {
        int maxValue = peerMaxPdu - 6; // PDV item header (4 + 2) inside the PDU
        int at = 0;
        do {
            int n = Math.min(maxValue, value.length - at);
            boolean last = at + n == value.length;
            byte[] pdu = new byte[6 + 6 + n];
            pdu[0] = P_DATA_TF;
            Pdu.Writer.putInt(pdu, 2, 6 + n);
            Pdu.Writer.putInt(pdu, 6, 2 + n);
            pdu[10] = (byte) contextId;
            pdu[11] = (byte) ((command ? 1 : 0) | (last ? 2 : 0));
            System.arraycopy(value, at, pdu, 12, n);
            out.write(pdu);
            at += n;
        } while (at < value.length);
        out.flush();
    }

    /** The response to a C-STORE or a C-ECHO: a command set and no data set. */
    private Status readResponse(DataInputStream in, int responseField) throws IOException {
        Message m = readMessage(in, responseField);
        return new Status(m.status(), m.comment());
    }

    private static byte[] echoCommand(int messageId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(64);
        DimseCommand.element(body, 0x0002, LittleEndian.uid(Uids.VERIFICATION));
        DimseCommand.element(body, 0x0100, LittleEndian.us(C_ECHO_RQ));
        DimseCommand.element(body, 0x0110, LittleEndian.us(messageId));
        DimseCommand.element(body, 0x0800, LittleEndian.us(0x0101)); // no data set
        return withGroupLength(body.toByteArray());
    }

    private static byte[] withGroupLength(byte[] elements) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(elements.length + 12);
        DimseCommand.element(all, 0x0000, LittleEndian.u32(elements.length));
        all.writeBytes(elements);
        return all.toByteArray();
    }

    private static byte[] storeCommand(String sopClassUid, String sopInstanceUid, int messageId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        DimseCommand.element(body, 0x0002, LittleEndian.uid(sopClassUid));
        DimseCommand.element(body, 0x0100, LittleEndian.us(C_STORE_RQ));
        DimseCommand.element(body, 0x0110, LittleEndian.us(messageId));
        DimseCommand.element(body, 0x0700, LittleEndian.us(0)); // priority: medium
        DimseCommand.element(body, 0x0800, LittleEndian.us(0x0000)); // a data set follows
        DimseCommand.element(body, 0x1000, LittleEndian.uid(sopInstanceUid));
        return withGroupLength(body.toByteArray());
    }

    private static byte[] queryCommand(int field, String sopClassUid, int messageId, String moveDestination) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        DimseCommand.element(body, 0x0002, LittleEndian.uid(sopClassUid));
        DimseCommand.element(body, 0x0100, LittleEndian.us(field));
        DimseCommand.element(body, 0x0110, LittleEndian.us(messageId));
        if (moveDestination != null) {
            byte[] ae = moveDestination.getBytes(StandardCharsets.US_ASCII);
            DimseCommand.element(body, 0x0600, ae.length % 2 == 0 ? ae : (moveDestination + " ").getBytes(StandardCharsets.US_ASCII));
        }
        DimseCommand.element(body, 0x0700, LittleEndian.us(0)); // priority: medium
        DimseCommand.element(body, 0x0800, LittleEndian.us(0x0000)); // an identifier follows
        return withGroupLength(body.toByteArray());
    }

    /** The next message: its command set, then its data set if the command announces one. */
    private Message readMessage(DataInputStream in, int responseField) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        ByteArrayOutputStream data = null;
        boolean commandDone = false;
        Message m = null;
        while (true) {
            byte[] pdu = readPdu(in);
            int type = pdu[0] & 0xFF;
            if (type == A_ABORT) {
                throw new IOException(calledAe + " aborted the association");
            }
            if (type != P_DATA_TF) {
                throw new IOException("expected a DIMSE response from " + calledAe + ", got PDU type " + type);
            }
            int pos = 6;
            while (pos + 6 <= pdu.length) {
                int length = (int) LittleEndian.u32be(pdu, pos);
                if (length < 2 || pos + 4 + length > pdu.length) {
                    throw new IOException("malformed PDV in the response of " + calledAe);
                }
                int header = pdu[pos + 5] & 0xFF;
                boolean isCommand = (header & 1) != 0, last = (header & 2) != 0;
                if (isCommand) {
                    command.write(pdu, pos + 6, length - 2);
                    if (last) {
                        commandDone = true;
                        m = parseResponse(command.toByteArray(), responseField);
                        data = m.dataSet() == null ? null : new ByteArrayOutputStream();
                        if (data == null) {
                            return m;
                        }
                    }
                } else {
                    if (!commandDone || data == null) {
                        throw new IOException("a data set from " + calledAe + " without its command");
                    }
                    if (data.size() + length > MAX_IDENTIFIER_BYTES) {
                        throw new IOException("an identifier from " + calledAe + " larger than " + MAX_IDENTIFIER_BYTES);
                    }
                    data.write(pdu, pos + 6, length - 2);
                    if (last) {
                        return new Message(m.field(), m.status(), m.comment(), m.completed(), m.failed(), m.warning(),
                                data.toByteArray());
                    }
                }
                pos += 4 + length;
            }
        }
    }

    /** A response command set; its dataSet is an empty array when a data set follows, else null. */
    private Message parseResponse(byte[] b, int responseField) throws IOException {
        int pos = 0, code = -1, field = -1, dataSetType = 0x0101, completed = 0, failed = 0, warning = 0;
        String comment = null;
        while (pos + 8 <= b.length) {
            int element = LittleEndian.u16(b, pos + 2);
            int length = (int) LittleEndian.u32(b, pos + 4);
            pos += 8;
            if (length < 0 || pos + length > b.length) {
                throw new IOException("malformed DIMSE response from " + calledAe);
            }
            int us = length >= 2 ? LittleEndian.u16(b, pos) : -1;
            switch (element) {
                case 0x0100 -> field = us;
                case 0x0800 -> dataSetType = us;
                case 0x0900 -> code = us;
                case 0x0902 -> comment = new String(b, pos, length, StandardCharsets.US_ASCII).trim();
                case 0x1021 -> completed = us;
                case 0x1022 -> failed = us;
                case 0x1023 -> warning = us;
                default -> { /* remaining sub-operations, UIDs: not needed */ }
            }
            pos += length;
        }
        if (field != responseField || code < 0) {
            throw new IOException(String.format("the answer of %s is not the response 0x%04X expected", calledAe,
                    responseField));
        }
        return new Message(field, code, comment, completed, failed, warning, dataSetType == 0x0101 ? null : new byte[0]);
    }

    private static byte[] readPdu(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        int reserved = in.readUnsignedByte();
        long length = Integer.toUnsignedLong(in.readInt());
        if (length > MAX_RESPONSE_PDU) {
            throw new IOException("PDU of implausible length " + length);
        }
        byte[] pdu = new byte[6 + (int) length];
        pdu[0] = (byte) type;
        pdu[1] = (byte) reserved;
        Pdu.Writer.putInt(pdu, 2, (int) length);
        in.readFully(pdu, 6, (int) length);
        return pdu;
    }
}
