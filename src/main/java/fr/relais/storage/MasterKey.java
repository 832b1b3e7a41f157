package fr.relais.storage;

import fr.relais.platform.DataFolder;
import fr.relais.platform.RelaisProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The AES-256 key that seals images and patient identities at rest: RELAIS_MASTER_KEY (base64, 32
 * bytes) when set, else generated once into the data folder with mode 0600.
 */
@Component
public class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
    static final String FILE_NAME = "master.key";

    private final SecretKey key;

    @Autowired
    public MasterKey(RelaisProperties properties, DataFolder folder) {
        this(load(properties.masterKey(), folder.root().resolve(FILE_NAME)));
    }

    private MasterKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** A key given as its 32 bytes (tools and tests that open a store outside the server). */
    public static MasterKey of(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("a master key holds 32 bytes (AES-256), not " + raw.length);
        }
        return new MasterKey(raw.clone());
    }

    SecretKey secretKey() {
        return key;
    }

    static byte[] load(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "RELAIS_MASTER_KEY");
        }
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
            }
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.warn("generated a new master key in {} (mode 0600). Back it up: without it the stored images "
                    + "cannot be read. Production should set RELAIS_MASTER_KEY from a secret store.", file);
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key " + file, e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(source + " must hold 32 bytes (AES-256), found " + bytes.length);
        }
        return bytes;
    }

}
