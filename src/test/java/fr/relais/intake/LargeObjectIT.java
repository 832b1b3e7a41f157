package fr.relais.intake;

import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.MultiFrameFile;
import fr.relais.reading.ReadableStudies;
import fr.relais.sim.SyntheticCt;
import fr.relais.security.Role;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-frame object larger than the reception holds in memory goes to disk as it arrives, in
 * encrypted chunks: the reception budget never holds the object's size, the stored file is of the
 * chunked format, and frames and the whole instance are read back by range, byte for byte. A
 * large object that its header misdescribes is refused and leaves nothing in the store.
 */
class LargeObjectIT extends BaseIntegrationTest {

    private static final int FRAMES = 140, ROWS = 512, COLUMNS = 512;

    @Autowired
    ObjectStore store;

    @TempDir
    Path work;

    @Test
    void aSeventyMebibyteObjectIsSpooledInChunksAndReadBackByRange() throws Exception {
        Dcmtk.requireDcmtk();
        String ae = uniqueAeTitle("BIG");
        long hospital = createHospital(unique("CH Large"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        // A study being read, which the large object then joins (a cine, a tomosynthesis).
        ReadableStudies.ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician),
                as(radiologist), "IPP-LARGE", SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64).seed(611),
                work.resolve("ct"));
        String study = exam.study().studyInstanceUid();
        String instance = study + ".99.1";
        Path file = MultiFrameFile.write(work.resolve("big.dcm"), FRAMES, FRAMES, ROWS, COLUMNS, "IPP-LARGE", study,
                instance, true);
        long frameBytes = (long) ROWS * COLUMNS * 2;
        assertThat(Files.size(file)).isGreaterThan(FRAMES * frameBytes);

        // The reception budget sampled while the object arrives: it never holds anything near its size.
        AtomicLong mostHeld = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (sending.get()) {
                mostHeld.accumulateAndGet(dicomDoor.budget().reserved(), Math::max);
                Thread.onSpinWait();
            }
        });
        watcher.start();
        Dcmtk.Result sent;
        try {
            sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", List.of(file));
        } finally {
            sending.set(false);
            watcher.join();
        }
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        // Held in memory, it would take four times its size (receive buffer, plaintext and sealed copies).
        assertThat(mostHeld.get()).as("reception budget held while receiving").isLessThan(FRAMES * frameBytes);

        String key = jdbc.sql("select object_key from instance where sop_instance_uid = :uid").param("uid", instance)
                .query(String.class).single();
        byte[] head = new byte[12];
        try (InputStream in = Files.newInputStream(store.root().resolve(key))) {
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
        }
        assertThat(new String(head, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("RLSOBJ03");
        assertThat(java.nio.ByteBuffer.wrap(head, 8, 4).getInt()).isEqualTo(ObjectStore.STREAM_CHUNK);

        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String series = study + ".1";
        String base = "/dicomweb/studies/" + study + "/series/" + series + "/instances/" + instance;
        for (int n : new int[] {1, 77, FRAMES}) {
            HttpResponse<byte[]> frame = get(coordinator, base + "/frames/" + n, "multipart/related; type=\"application/octet-stream\"");
            assertThat(frame.statusCode()).as("frame " + n).isEqualTo(200);
            byte[] expected = new byte[(int) frameBytes];
            Arrays.fill(expected, MultiFrameFile.fill(n));
            assertThat(runStart(frame.body(), expected)).as("frame " + n + " holds its own pixels").isPositive();
        }
        assertThat(get(coordinator, base + "/frames/" + (FRAMES + 1), "*/*").statusCode()).isEqualTo(404);

        // The whole instance, streamed: the data set as sent, behind our meta header.
        HttpResponse<byte[]> whole = get(coordinator, base, "multipart/related; type=\"application/dicom\"");
        assertThat(whole.statusCode()).isEqualTo(200);
        byte[] sentBytes = Files.readAllBytes(file);
        int sentDataSet = fr.relais.dicom.Part10.dataSetOffset(sentBytes);
        byte[] dataSet = Arrays.copyOfRange(sentBytes, sentDataSet, sentBytes.length);
        assertThat(endsThePart(whole.body(), dataSet)).as("the stored data set is the one sent").isTrue();
    }

    @Test
    void aLargeObjectWhoseHeaderLiesIsRefusedAndLeavesNothingInTheStore() throws Exception {
        Dcmtk.requireDcmtk();
        String ae = uniqueAeTitle("LIE");
        createHospital(unique("CH Lying"), ae);
        String study = "1.2.826.0.1.3680043.10.1012.79." + System.nanoTime();
        String instance = study + ".1.1";
        // 40 frames of pixels, a header announcing 41: past the spool threshold, so checked by range.
        Path file = MultiFrameFile.write(work.resolve("lying.dcm"), 40, 41, ROWS, COLUMNS, "IPP-LYING", study, instance,
                false);
        long before = objectFiles();

        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", List.of("-d"), List.of(file));

        // The reason, cut to the 64 characters of an error comment.
        assertThat(sent.output()).contains("Pixel Data has 20971520 bytes, not the 21495808");
        assertThat(jdbc.sql("select count(*) from instance where sop_instance_uid = :uid").param("uid", instance)
                .query(Long.class).single()).isZero();
        Await.until("the refused object's file removed", this::objectFiles, n -> n == before);
    }

    private long objectFiles() {
        try (var files = Files.walk(store.root())) {
            return files.filter(f -> f.toString().endsWith(".dcm.enc")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the multipart body holds exactly this data set as its one part (compared by digest, in place). */
    private static boolean endsThePart(byte[] body, byte[] dataSet) throws Exception {
        // Our meta header, then the data set: the part ends with the data set, before the closing boundary.
        int end = lastIndexOf(body, "\r\n--".getBytes(StandardCharsets.US_ASCII));
        if (end < dataSet.length) {
            return false;
        }
        MessageDigest a = MessageDigest.getInstance("SHA-256");
        a.update(body, end - dataSet.length, dataSet.length);
        return Arrays.equals(a.digest(), MessageDigest.getInstance("SHA-256").digest(dataSet));
    }

    private static int lastIndexOf(byte[] body, byte[] what) {
        for (int i = body.length - what.length; i >= 0; i--) {
            if (Arrays.equals(body, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }

    private static int runStart(byte[] body, byte[] what) {
        // The frame is one run of the same byte: find where a run of its length starts.
        byte b = what[0];
        int run = 0;
        for (int i = 0; i < body.length; i++) {
            run = body[i] == b ? run + 1 : 0;
            if (run == what.length) {
                return i - what.length + 1;
            }
        }
        return -1;
    }

    private HttpResponse<byte[]> get(TestAccount account, String path, String accept) {
        return as(account).getBytes(path, accept);
    }
}
