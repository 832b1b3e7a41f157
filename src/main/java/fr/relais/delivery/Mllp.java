package fr.relais.delivery;

import fr.relais.dicom.SocketDeadline;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The minimal lower layer protocol of HL7 v2 (MLLP): a message framed by VT and FS CR, its ACK framed alike. */
final class Mllp {

    static final int START = 0x0B, END = 0x1C, CR = 0x0D;
    private static final int MAX_ACK_BYTES = 1 << 20;

    private Mllp() {}

    /**
     * Sends one message and returns the answer; an IOException unless the whole exchange (connect,
     * send, the complete answer) is over within the timeout, however slowly the peer dribbles bytes.
     */
    static String exchange(String host, int port, String message, Duration timeout) throws IOException {
        try (Socket socket = new Socket(); SocketDeadline deadline = SocketDeadline.of(socket, timeout)) {
            try {
                socket.connect(new InetSocketAddress(host, port), deadline.remainingMillis());
                socket.setSoTimeout(deadline.remainingMillis());
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                out.write(frame(message));
                out.flush();
                return read(new BufferedInputStream(socket.getInputStream()));
            } catch (IOException e) {
                throw deadline.expired() ? deadline.timedOut() : e;
            }
        }
    }

    static byte[] frame(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[body.length + 3];
        framed[0] = START;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = END;
        framed[body.length + 2] = CR;
        return framed;
    }

    /** One framed message from the stream: bytes before the start block are skipped, as receivers do. */
    static String read(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) {
                throw new IOException("connection closed before any answer");
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a message");
            }
            if (b == END) {
                int next = in.read();
                if (next != CR) {
                    throw new IOException("message end not followed by CR");
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            if (body.size() >= MAX_ACK_BYTES) {
                throw new IOException("answer longer than " + MAX_ACK_BYTES + " bytes");
            }
            body.write(b);
        }
    }
}
