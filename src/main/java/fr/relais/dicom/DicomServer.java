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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A C-STORE, C-ECHO and Modality Worklist C-FIND service class provider speaking the DICOM upper
 * layer over TCP. One thread per connection, bounded: a connection negotiates within the ARTIM timer in a pool bounded per
 * source, then holds an association slot only once its caller is accepted ({@link Admission});
 * data sets in flight share one {@link ReceptionBudget}. Many hospitals send at once, and one that
 * misbehaves, or a flood of peers that are none, only ends its own connections.
 */
public final class DicomServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DicomServer.class);

    /**
     * A data set larger than this is written out as it arrives ({@link AssociationHandler.DataSetSpool})
     * when the handler can: memory per reception stays bounded whatever the object's size.
     */
    public static final int SPOOL_ABOVE_BYTES = 8 << 20;

    /**
     * What a reception holds of the budget once its data set is written out as it arrives: its
     * receive buffer (1 MiB kept), the store's chunk and its sealed copy, a read buffer.
     */
    public static final long SPOOLING_HEAP_BYTES = (1 << 20) + 2L * (1 << 20) + (1 << 16);

    /** The limits that protect the server from its peers. */
    public record Settings(String aeTitle, int port, int maxAssociations, int maxPduLength,
                           int idleTimeoutSeconds, long maxObjectBytes, Limits limits, ReceptionBudget budget) {

        /** With the default limits and a budget of half the heap (a test's or an engine's own server). */
        public Settings(String aeTitle, int port, int maxAssociations, int maxPduLength, int idleTimeoutSeconds,
                        long maxObjectBytes) {
            this(aeTitle, port, maxAssociations, maxPduLength, idleTimeoutSeconds, maxObjectBytes,
                    Limits.DEFAULT, ReceptionBudget.halfTheHeap());
        }
    }

    /**
     * artimSeconds: the whole A-ASSOCIATE-RQ (and the TLS handshake) must arrive within it (the
     * ARTIM timer of PS3.8 9.1.5); connections still negotiating, overall and per source address;
     * associations per caller (a hospital) and per source address.
     */
    public record Limits(int artimSeconds, int maxNegotiating, int maxNegotiatingPerSource, int maxPerCaller,
                         int maxPerSource) {
        public static final Limits DEFAULT = new Limits(10, 128, 16, 16, 32);

        public Limits {
            if (artimSeconds < 1 || maxNegotiating < 1 || maxNegotiatingPerSource < 1 || maxPerCaller < 1 || maxPerSource < 1) {
                throw new IllegalArgumentException("DICOM limits must be positive: " + artimSeconds + ", " + maxNegotiating
                        + ", " + maxNegotiatingPerSource + ", " + maxPerCaller + ", " + maxPerSource);
            }
        }
    }

    /** A failed accept (too many open files, say) waits before the next, up to this long. */
    private static final long MAX_ACCEPT_BACKOFF_MILLIS = 1000;

    private final Settings settings;
    private final AssociationHandler handler;
    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor workers;
    private final Admission admission;
    private final ScheduledExecutorService artim;
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
        this.admission = new Admission(settings.limits(), settings.maxAssociations());
        this.serverSocket = tls == null ? new ServerSocket() : tlsServerSocket(tls, needClientAuth);
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(settings.port()), 128);
        // Every connection negotiating or associated has its thread, and no more can exist.
        int threads = settings.limits().maxNegotiating() + settings.maxAssociations();
        this.workers = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dicom-association");
            t.setDaemon(true);
            return t;
        });
        this.artim = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dicom-artim");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "dicom-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("DICOM C-STORE/C-ECHO/MWL C-FIND SCP {} listening on port {}{}", settings.aeTitle(), port(), tls == null ? "" : " (TLS)");
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
        long backoff = 0;
        while (running) {
            Socket socket;
            try {
                socket = serverSocket.accept();
                backoff = 0;
            } catch (IOException e) {
                if (running) {
                    // Never spin: out of file descriptors, accept fails at once, again and again.
                    backoff = Math.min(MAX_ACCEPT_BACKOFF_MILLIS, Math.max(10, backoff * 2));
                    log.warn("DICOM accept failed ({}); next try in {} ms", e.toString(), backoff);
                    pause(backoff);
                }
                continue;
            }
            int id = associationIds.incrementAndGet();
            Admission.Ticket negotiating = admission.negotiate(socket.getInetAddress());
            if (negotiating == null) {
                // Before a byte is read there is nobody to answer: the peer may retry.
                log.info("connection {} from {} closed: too many connections negotiating", id,
                        socket.getInetAddress().getHostAddress());
                closeQuietly(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(id, socket, negotiating));
            } catch (RejectedExecutionException full) {
                negotiating.close();
                closeQuietly(socket);
            }
        }
    }

    private void serve(int id, Socket socket, Admission.Ticket negotiating) {
        // ARTIM: however slowly the bytes come, the request is whole within the timer or the connection ends.
        ScheduledFuture<?> timer = artim.schedule(() -> {
            log.info("connection {} from {} closed: no whole A-ASSOCIATE-RQ within {} s (ARTIM)", id,
                    socket.getInetAddress().getHostAddress(), settings.limits().artimSeconds());
            closeQuietly(socket);
        }, settings.limits().artimSeconds(), TimeUnit.SECONDS);
        Runnable negotiated = () -> {
            timer.cancel(false);
            negotiating.close();
            setTimeout(socket, settings.idleTimeoutSeconds());
        };
        try {
            configure(socket);
            if (handshake(socket, id)) {
                new Association(id, socket, settings, handler, admission, negotiated).run();
            }
        } finally {
            timer.cancel(false);
            negotiating.close();
            closeQuietly(socket);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void setTimeout(Socket socket, int seconds) {
        try {
            socket.setSoTimeout(seconds * 1000);
        } catch (SocketException e) {
            log.debug("socket timeout not applied: {}", e.toString());
        }
    }

    private void configure(Socket socket) {
        try {
            // DCMTK writes a response in two writes; without this each one waits for a delayed ACK.
            socket.setTcpNoDelay(true);
            // Until the association is accepted, no read waits longer than the ARTIM timer.
            socket.setSoTimeout(Math.min(settings.idleTimeoutSeconds(), settings.limits().artimSeconds()) * 1000);
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
        artim.shutdownNow();
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
