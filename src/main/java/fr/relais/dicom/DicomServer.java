package fr.relais.dicom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A C-STORE and C-ECHO service class provider speaking the DICOM upper layer over TCP. One thread
 * per association, bounded: many hospitals send at once, and one that misbehaves only ends its own
 * association.
 */
public final class DicomServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DicomServer.class);

    /** The limits that protect the server from its peers. */
    public record Settings(String aeTitle, int port, int maxAssociations, int maxPduLength,
                           int idleTimeoutSeconds, long maxObjectBytes) {}

    private final Settings settings;
    private final AssociationHandler handler;
    private final ServerSocket serverSocket;
    private final ExecutorService workers;
    private final Semaphore slots;
    private final Thread acceptor;
    private final AtomicInteger associationIds = new AtomicInteger();
    private volatile boolean running = true;

    public DicomServer(Settings settings, AssociationHandler handler) throws IOException {
        this(settings, handler, null, false);
    }

    /**
     * With tls, every association on this port is TLS 1.2 or 1.3 (the DICOM secure transport of
     * PS3.15 B.9, BCP 195); with needClientAuth, only a peer whose certificate the trust store
     * accepts gets past the handshake. The calling AE title still identifies the hospital; the
     * handler is given the peer's certificate to check that it is that hospital's.
     */
    public DicomServer(Settings settings, AssociationHandler handler, SSLContext tls, boolean needClientAuth)
            throws IOException {
        this.settings = settings;
        this.handler = handler;
        this.slots = new Semaphore(settings.maxAssociations());
        this.serverSocket = tls == null ? new ServerSocket() : tlsServerSocket(tls, needClientAuth);
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(settings.port()), 128);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dicom-association");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "dicom-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("DICOM C-STORE/C-ECHO SCP {} listening on port {}{}", settings.aeTitle(), port(), tls == null ? "" : " (TLS)");
    }

    private static ServerSocket tlsServerSocket(SSLContext tls, boolean needClientAuth) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.setNeedClientAuth(needClientAuth);
        return socket;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("DICOM accept failed: {}", e.toString());
                }
                continue;
            }
            int id = associationIds.incrementAndGet();
            boolean admitted = slots.tryAcquire();
            workers.execute(() -> {
                try {
                    configure(socket);
                    if (!handshake(socket, id)) {
                        return;
                    }
                    new Association(id, socket, settings, handler, admitted).run();
                } finally {
                    closeQuietly(socket);
                    if (admitted) {
                        slots.release();
                    }
                }
            });
        }
    }

    private void configure(Socket socket) {
        try {
            // DCMTK writes a response in two writes; without this each one waits for a delayed ACK.
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(settings.idleTimeoutSeconds() * 1000);
            socket.setReceiveBufferSize(1 << 20);
            socket.setSendBufferSize(1 << 16);
        } catch (SocketException e) {
            log.debug("socket options not applied: {}", e.toString());
        }
    }

    /**
     * On the TLS port, the handshake is done before the association is read (within the socket's
     * timeout), so that the peer's certificate is known when the calling AE title is judged.
     */
    private boolean handshake(Socket socket, int id) {
        if (!(socket instanceof SSLSocket tls)) {
            return true;
        }
        try {
            tls.startHandshake();
            return true;
        } catch (IOException e) {
            log.info("association {} from {}: TLS handshake failed: {}", id, socket.getInetAddress().getHostAddress(),
                    e.getMessage());
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by the peer
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
