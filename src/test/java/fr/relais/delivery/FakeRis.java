package fr.relais.delivery;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hospital RIS for tests: listens for MLLP on loopback, parses each message with HAPI, keeps it,
 * and acknowledges it (AA, after an optional delay, or with the code asked for).
 */
final class FakeRis implements AutoCloseable {

    private final ServerSocket server;
    private final List<ORU_R01> received = new CopyOnWriteArrayList<>();
    private volatile long ackDelayMillis;
    private volatile AcknowledgmentCode code = AcknowledgmentCode.AA;

    FakeRis(int port) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "fake-ris");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<ORU_R01> received() {
        return received;
    }

    FakeRis ackAfter(long millis) {
        this.ackDelayMillis = millis;
        return this;
    }

    FakeRis answer(AcknowledgmentCode code) {
        this.code = code;
        return this;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> serve(socket), "fake-ris-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            while (true) {
                String text = Mllp.read(socket.getInputStream());
                Message message = Hl7Report.parser().parse(text);
                if (message instanceof ORU_R01 report) {
                    received.add(report); // a connection test (NMD^N02) is answered but not tallied
                }
                Thread.sleep(ackDelayMillis);
                OutputStream out = socket.getOutputStream();
                out.write(Mllp.frame(message.generateACK(code, null).encode()));
                out.flush();
            }
        } catch (Exception e) {
            // the sender closed the connection, or sent something we keep out of the tally
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
