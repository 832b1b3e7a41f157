package fr.relais.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hospital's PACS for tests: DCMTK's {@code dcmqrscp} with a small archive of its own in a
 * temporary folder, on loopback on a free port, knowing Relais as a C-MOVE destination. Filled
 * with {@link #store}; stopped by its process id on {@link #close}.
 */
public final class Dcmqrscp implements AutoCloseable {

    private final String aeTitle;
    private final int port;
    private final Process process;
    private final Path log;

    /** Starts it; relaisAe and relaisPort are where a C-MOVE to relaisAe sends the images. */
    public Dcmqrscp(Path folder, String aeTitle, String relaisAe, int relaisPort) throws Exception {
        Dcmtk.requireDcmtk();
        this.aeTitle = aeTitle;
        this.port = freePort();
        Path db = Files.createDirectories(folder.resolve("archive"));
        Path config = folder.resolve("dcmqrscp.cfg");
        Files.writeString(config, """
                NetworkTCPPort  = %d
                MaxPDUSize      = 16384
                MaxAssociations = 16

                HostTable BEGIN
                relais = (%s, 127.0.0.1, %d)
                HostTable END

                VendorTable BEGIN
                VendorTable END

                AETable BEGIN
                %s   %s   RW  (100, 1024mb)  ANY
                AETable END
                """.formatted(port, relaisAe, relaisPort, aeTitle, db));
        this.log = folder.resolve("dcmqrscp.log");
        this.process = new ProcessBuilder("dcmqrscp", "-c", config.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Await.until("dcmqrscp listening on " + port, this::listening, Boolean::booleanValue);
    }

    public String aeTitle() {
        return aeTitle;
    }

    public int port() {
        return port;
    }

    /** Stores the files in the archive, as the hospital's modalities did; fails if it refuses one. */
    public void store(List<Path> files) throws Exception {
        Dcmtk.Result sent = Dcmtk.storescu(port, "MODALITY", aeTitle, files);
        if (sent.exitCode() != 0) {
            throw new AssertionError("dcmqrscp did not store: " + sent.output() + "\ndcmqrscp: " + log() + " alive " + process.isAlive());
        }
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private boolean listening() {
        if (!process.isAlive()) {
            throw new IllegalStateException("dcmqrscp ended: " + logQuietly());
        }
        // Asked as a peer would (a C-ECHO), not by a bare TCP probe it would take for a broken association.
        try {
            return Dcmtk.echoscu(port, "PROBE", aeTitle).exitCode() == 0;
        } catch (Exception notYet) {
            return false;
        }
    }

    private String logQuietly() {
        try {
            return log();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A port nothing listens on (just closed): where a PACS that is down would be. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stopped by its own pid, and its children (one per association) by theirs: SIGTERM, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroy);
        handle.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            handle.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
