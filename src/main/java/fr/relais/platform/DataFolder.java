package fr.relais.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data folder, held under an exclusive lock for the life of the process: two servers on one
 * folder would corrupt each other, and holding the lock proves that whatever a previous process
 * left there (a database server, temporary files) is orphaned.
 */
public final class DataFolder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataFolder.class);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    public DataFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
            lockChannel = FileChannel.open(this.root.resolve("relais.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data folder " + this.root, e);
        }
        if (lock == null) {
            throw new IllegalStateException("data folder " + this.root
                    + " is in use by another Relais process; stop it or set RELAIS_DATA_DIR");
        }
        log.info("data folder {}", this.root);
    }

    public Path root() {
        return root;
    }

    public Path resolve(String child) {
        Path p = root.resolve(child);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }
}
