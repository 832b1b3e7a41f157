package fr.relais.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encrypted file format: whole files read back, cut ones are told by their structure, old ones still read. */
class ObjectStoreTest {

    @TempDir
    Path work;

    private final byte[] raw = new byte[32];
    private ObjectStore store;

    private ObjectStore store() {
        if (store == null) {
            new SecureRandom().nextBytes(raw);
            store = new ObjectStore(work.resolve("objects"), MasterKey.of(raw), Clock.systemUTC());
        }
        return store;
    }

    @Test
    void aFileCutAtEveryByteIsHalfWrittenAndOnlyTheWholeOneIsComplete() throws Exception {
        byte[] plaintext = new byte[300];
        new Random(3).nextBytes(plaintext);
        String key = store().put(List.of(ObjectStore.Segment.of(plaintext))).key();
        assertThat(store.read(key)).isEqualTo(plaintext);
        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.COMPLETE);
        Path file = store.root().resolve(key);
        byte[] whole = Files.readAllBytes(file);

        for (int length = 0; length < whole.length; length++) {
            Files.write(file, Arrays.copyOf(whole, length));
            assertThat(store.shape(key)).as("cut at " + length).isEqualTo(ObjectStore.Shape.HALF_WRITTEN);
            assertThatThrownBy(() -> store.read(key)).hasMessageContaining("never completely written");
        }
    }

    @Test
    void aWholeFileThatDoesNotDecryptIsCompleteNotHalfWritten() throws Exception {
        String key = store().put(List.of(ObjectStore.Segment.of(new byte[500]))).key();
        Path file = store.root().resolve(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[100] ^= 0x40;
        Files.write(file, bytes);

        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.COMPLETE);
        assertThatThrownBy(() -> store.read(key)).hasMessageContaining("fails its integrity check");
        // A damaged trailer is not taken for an unfinished one: set aside, not deleted.
        bytes[100] ^= 0x40;
        bytes[bytes.length - 1] = 'X';
        Files.write(file, bytes);
        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.UNKNOWN);
    }

    @Test
    void anObjectWrittenAsItArrivesReadsBackWholeAndByRangeAcrossItsChunks() throws Exception {
        int chunk = ObjectStore.STREAM_CHUNK;
        byte[] plaintext = new byte[2 * chunk + chunk / 2];
        new Random(5).nextBytes(plaintext);
        String key;
        try (ObjectStore.Writer writer = store().writer()) {
            // Pieces of odd sizes, as PDVs arrive: chunks are cut by the store, not by the sender.
            for (int at = 0; at < plaintext.length; at += 70_001) {
                writer.write(plaintext, at, Math.min(70_001, plaintext.length - at));
            }
            key = writer.commit().key();
        }
        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.COMPLETE);
        assertThat(store.size(key)).isEqualTo(plaintext.length);
        assertThat(store.read(key)).isEqualTo(plaintext);
        try (var object = store.open(key)) {
            for (long at : new long[] {0, chunk - 3, chunk, 2L * chunk - 1, plaintext.length - 10}) {
                java.nio.ByteBuffer range = java.nio.ByteBuffer.allocate(10);
                object.position(at);
                while (range.hasRemaining() && object.read(range) > 0) {
                    // across a chunk boundary when there is one
                }
                assertThat(range.array()).as("at " + at)
                        .isEqualTo(Arrays.copyOfRange(plaintext, (int) at, (int) at + 10));
            }
        }
        Path file = store.root().resolve(key);
        byte[] whole = Files.readAllBytes(file);
        int chunkOnDisk = chunk + 28;
        // Cut at a chunk's end, or anywhere: half-written; only the whole file is complete.
        for (int length : new int[] {12 + chunkOnDisk, 12 + 2 * chunkOnDisk, whole.length - 16, whole.length - 1, 100_000}) {
            Files.write(file, Arrays.copyOf(whole, length));
            assertThat(store.shape(key)).as("cut at " + length).isEqualTo(ObjectStore.Shape.HALF_WRITTEN);
        }
        // Two chunks swapped: the file's shape is whole, but it does not open.
        byte[] swapped = whole.clone();
        System.arraycopy(whole, 12, swapped, 12 + chunkOnDisk, chunkOnDisk);
        System.arraycopy(whole, 12 + chunkOnDisk, swapped, 12, chunkOnDisk);
        Files.write(file, swapped);
        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.COMPLETE);
        assertThatThrownBy(() -> store.read(key)).hasMessageContaining("fails its integrity check");
    }

    @Test
    void aWriterClosedWithoutCommitLeavesNoFile() throws Exception {
        String key;
        try (ObjectStore.Writer writer = store().writer()) {
            writer.write(new byte[3 * ObjectStore.STREAM_CHUNK / 2], 0, 3 * ObjectStore.STREAM_CHUNK / 2);
            key = writer.key();
            assertThat(store.exists(key)).isTrue();
        }
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void filesOfTheFirstFormatStillRead() throws Exception {
        store();
        String key = "2026/01/01/00/" + java.util.UUID.randomUUID() + ".dcm.enc";
        byte[] plaintext = "an object stored before the trailer existed".getBytes(StandardCharsets.US_ASCII);
        byte[] magic = "RLSOBJ01".getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, MasterKey.of(raw).secretKey(), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(magic);
        cipher.updateAAD(key.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext);
        Path file = store.root().resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, ByteBuffer.allocate(magic.length + nonce.length + sealed.length).put(magic).put(nonce).put(sealed)
                .array());

        assertThat(store.shape(key)).isEqualTo(ObjectStore.Shape.LEGACY);
        assertThat(store.read(key)).isEqualTo(plaintext);
    }

    @Test
    void aQuarantinedFileKeepsItsBytesAndIsListed() throws Exception {
        String key = store().put(List.of(ObjectStore.Segment.of(new byte[64]))).key();
        byte[] bytes = Files.readAllBytes(store.root().resolve(key));

        store.quarantine(key);

        assertThat(store.exists(key)).isFalse();
        assertThat(work.resolve("quarantine").resolve(key)).hasBinaryContent(bytes);
        assertThat(store.quarantined()).extracting(ObjectStore.Quarantined::key).containsExactly(key);
    }
}
