package fr.relais.dicom;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately minimal storage SCU for tests: it sends whatever bytes it is given, so that tests
 * can put truncated, mismatched or hostile data on the wire (DCMTK refuses to send such files).
 */
public final class RawScu implements AutoCloseable {

    /** The C-STORE response: status and error comment. */
    public record Response(int status, String errorComment) {}

    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int messageId = 1;

    private RawScu(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens an association proposing CT Image Storage in explicit VR little endian; fails if rejected. */
    public static RawScu associate(String host, int port, String callingAe, String calledAe) throws IOException {
        return associateFor(host, port, callingAe, calledAe, CT);
    }

    /** Opens an association proposing one storage SOP class in explicit VR little endian. */
    public static RawScu associateFor(String host, int port, String callingAe, String calledAe, String sopClass)
            throws IOException {
        RawScu scu = new RawScu(new Socket(host, port));
        Pdu.Writer rq = new Pdu.Writer(1);
        rq.u16(1).u16(0).bytes(ae(calledAe)).bytes(ae(callingAe)).zeros(32);
        rq.item(0x10, Uids.APPLICATION_CONTEXT.getBytes(StandardCharsets.US_ASCII));
        Pdu.Writer pc = new Pdu.Writer(-1);
        pc.u8(1).u8(0).u8(0).u8(0).item(0x30, Pdu.uid(sopClass)).item(0x40, Pdu.uid(Uids.EXPLICIT_VR_LITTLE_ENDIAN));
        rq.item(0x20, pc.body());
        Pdu.Writer user = new Pdu.Writer(-1);
        user.item(0x51, Pdu.Writer.int32(65536));
        user.item(0x52, Pdu.uid("1.2.3.4"));
        rq.item(0x50, user.body());
        scu.out.write(rq.pdu());
        int type = scu.in.readUnsignedByte();
        scu.in.readUnsignedByte();
        int length = scu.in.readInt();
        byte[] body = scu.in.readNBytes(length);
        if (type != 2) {
            scu.close();
            throw new IOException("association not accepted: PDU type " + type + ", reason " + (body.length == 4 ? body[3] : -1));
        }
        return scu;
    }

    /** Sends bytes straight onto the socket, as a broken or hostile peer would. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One C-STORE of a data set (no meta header) with the given command UIDs; returns the response. */
    public Response store(String sopInstanceUid, byte[] dataSet) throws IOException {
        return store(CT, sopInstanceUid, dataSet);
    }

    public Response store(String sopClassUid, String sopInstanceUid, byte[] dataSet) throws IOException {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        DimseCommand.element(cmd, 0x0002, LittleEndian.uid(sopClassUid));
        DimseCommand.element(cmd, 0x0100, LittleEndian.us(0x0001));
        DimseCommand.element(cmd, 0x0110, LittleEndian.us(messageId++));
        DimseCommand.element(cmd, 0x0700, LittleEndian.us(0));
        DimseCommand.element(cmd, 0x0800, LittleEndian.us(0x0000));
        DimseCommand.element(cmd, 0x1000, LittleEndian.uid(sopInstanceUid));
        byte[] elements = cmd.toByteArray();
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        DimseCommand.element(command, 0x0000, LittleEndian.u32(elements.length));
        command.writeBytes(elements);
        pdv(command.toByteArray(), 0x03);
        int chunk = 32 * 1024;
        for (int off = 0; off < dataSet.length; off += chunk) {
            int len = Math.min(chunk, dataSet.length - off);
            byte[] part = new byte[len];
            System.arraycopy(dataSet, off, part, 0, len);
            pdv(part, off + len >= dataSet.length ? 0x02 : 0x00);
        }
        out.flush();
        return readResponse();
    }

    public void release() throws IOException {
        out.write(new byte[]{5, 0, 0, 0, 0, 4, 0, 0, 0, 0});
        out.flush();
        in.readNBytes(10);
    }

    private void pdv(byte[] value, int header) throws IOException {
        byte[] pdu = new byte[12 + value.length];
        pdu[0] = 4;
        Pdu.Writer.putInt(pdu, 2, 6 + value.length);
        Pdu.Writer.putInt(pdu, 6, 2 + value.length);
        pdu[10] = 1;
        pdu[11] = (byte) header;
        System.arraycopy(value, 0, pdu, 12, value.length);
        out.write(pdu);
    }

    private Response readResponse() throws IOException {
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = in.readNBytes(length);
        if (type != 4) {
            throw new IOException("expected P-DATA-TF, got PDU type " + type);
        }
        int status = -1;
        String comment = null;
        int pos = 6; // PDV length (4), context id, header
        while (pos + 8 <= body.length) {
            int element = LittleEndian.u16(body, pos + 2);
            int len = (int) LittleEndian.u32(body, pos + 4);
            pos += 8;
            if (element == 0x0900) {
                status = LittleEndian.u16(body, pos);
            } else if (element == 0x0902) {
                comment = new String(body, pos, len, StandardCharsets.US_ASCII).trim();
            }
            pos += len;
        }
        return new Response(status, comment);
    }

    private static byte[] ae(String ae) {
        return String.format("%-16s", ae).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
