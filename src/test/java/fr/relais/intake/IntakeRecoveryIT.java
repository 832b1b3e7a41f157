package fr.relais.intake;

import fr.relais.BaseIntegrationTest;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** The index is rebuilt from the objects when its last commits were lost in a crash. */
class IntakeRecoveryIT extends BaseIntegrationTest {

    @Autowired
    IntakeRecovery recovery;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Autowired
    ObjectStore store;

    @TempDir
    Path work;

    @Test
    void anAcknowledgedObjectWhoseIndexRowWasLostIsIndexedAgain() throws Exception {
        String ae = uniqueAeTitle("RECOV");
        long hospital = createHospital(unique("CH Recovery"), ae);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).seed(41).build(), work);
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        String lostUid = study.sopInstanceUids().get(1);
        String key = jdbc.sql("select object_key from instance where sop_instance_uid = :uid")
                .param("uid", lostUid).query(String.class).single();
        // What an unflushed commit looks like after a crash: the object is there, its row is not.
        jdbc.sql("delete from instance where sop_instance_uid = :uid").param("uid", lostUid).update();

        int recovered = recovery.recover().indexed();

        assertThat(recovered).isEqualTo(1);
        assertThat(jdbc.sql("""
                select i.object_key from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where i.sop_instance_uid = :uid and s.hospital_id = :h and i.calling_ae = :ae""")
                .param("uid", lostUid).param("h", hospital).param("ae", ae).query(String.class).single())
                .isEqualTo(key);
        assertThat(recovery.recover().indexed()).isZero();
    }

    @Test
    void aHalfWrittenObjectIsRemovedNotIndexed() throws Exception {
        Path folder = store.root().resolve(DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.now()));
        Files.createDirectories(folder);
        Path partial = folder.resolve("00000000-0000-0000-0000-000000000000.dcm.enc");
        Files.write(partial, "RLSOBJ01 and then the crash".getBytes());
        long before = jdbc.sql("select count(*) from instance").query(Long.class).single();

        recovery.recover();

        assertThat(partial).doesNotExist();
        assertThat(jdbc.sql("select count(*) from instance").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void aFileCutAtAnyByteIsRecognisedByItsStructureAndRemovedOnlyWhenNeverIndexed() throws Exception {
        byte[] plaintext = new byte[4000];
        new java.util.Random(7).nextBytes(plaintext);
        ObjectStore.StoredObject whole = store.put(List.of(ObjectStore.Segment.of(plaintext)));
        byte[] file = Files.readAllBytes(store.root().resolve(whole.key()));
        assertThat(store.shape(whole.key())).isEqualTo(ObjectStore.Shape.COMPLETE);
        store.delete(whole.key());

        List<Path> cut = new ArrayList<>();
        for (int length : new int[]{0, 1, 7, 8, 9, 15, 16, 27, 28, 29, 43, 44, file.length / 2, file.length - 9,
                file.length - 8, file.length - 1}) {
            Path f = hourFolder().resolve(UUID.randomUUID() + ".dcm.enc");
            Files.write(f, Arrays.copyOf(file, length));
            assertThat(store.shape(store.root().relativize(f).toString())).as("cut at " + length)
                    .isEqualTo(ObjectStore.Shape.HALF_WRITTEN);
            cut.add(f);
        }
        // The right length, the last blocks never filled: zeros where the trailer should be.
        byte[] unfilled = file.clone();
        Arrays.fill(unfilled, file.length - 8, file.length, (byte) 0);
        Path zeros = hourFolder().resolve(UUID.randomUUID() + ".dcm.enc");
        Files.write(zeros, unfilled);
        cut.add(zeros);

        // An acknowledged (indexed) object is never touched by the recovery, even when damaged.
        String ae = uniqueAeTitle("RECOV");
        createHospital(unique("CH Recovery"), ae);
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64)
                .seed(43).build(), work);
        assertThat(Dcmtk.storescu(dicomDoor.port(), ae, "RELAIS", study.files()).exitCode()).isZero();
        String indexedKey = jdbc.sql("select object_key from instance where sop_instance_uid = :uid")
                .param("uid", study.sopInstanceUids().get(0)).query(String.class).single();
        Path indexed = store.root().resolve(indexedKey);
        byte[] indexedBytes = Files.readAllBytes(indexed);
        Files.write(indexed, Arrays.copyOf(indexedBytes, indexedBytes.length / 2));

        IntakeRecovery.Result result = recovery.recover();

        assertThat(cut).allSatisfy(f -> assertThat(f).doesNotExist());
        assertThat(result.removed()).isGreaterThanOrEqualTo(cut.size());
        assertThat(indexed).exists().hasSize(indexedBytes.length / 2);
    }

    @Test
    void aCompleteFileThatDoesNotDecryptIsQuarantinedAuditedAndShownNeverDeleted() throws Exception {
        byte[] plaintext = new byte[3000];
        new java.util.Random(11).nextBytes(plaintext);
        // Another master key: what a server started with the wrong RELAIS_MASTER_KEY would meet.
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        ObjectStore foreign = new ObjectStore(work.resolve("other-store/objects"), fr.relais.storage.MasterKey.of(otherKey),
                java.time.Clock.systemUTC());
        String wrongKeyKey = foreign.put(List.of(ObjectStore.Segment.of(plaintext))).key();
        Path wrongKey = store.root().resolve(wrongKeyKey);
        Files.createDirectories(wrongKey.getParent());
        Files.copy(foreign.root().resolve(wrongKeyKey), wrongKey);
        // And a file of ours with one byte flipped in its ciphertext: corruption.
        String corruptKey = store.put(List.of(ObjectStore.Segment.of(plaintext))).key();
        Path corrupt = store.root().resolve(corruptKey);
        byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(corrupt, bytes);
        byte[] wrongKeyBytes = Files.readAllBytes(wrongKey);
        assertThat(store.shape(wrongKeyKey)).isEqualTo(ObjectStore.Shape.COMPLETE);
        assertThat(store.shape(corruptKey)).isEqualTo(ObjectStore.Shape.COMPLETE);

        IntakeRecovery.Result result = recovery.recover();

        assertThat(result.quarantined()).isGreaterThanOrEqualTo(2);
        Path quarantine = store.root().resolveSibling("quarantine");
        assertThat(quarantine.resolve(wrongKeyKey)).exists().hasBinaryContent(wrongKeyBytes);
        assertThat(quarantine.resolve(corruptKey)).exists().hasBinaryContent(bytes);
        assertThat(wrongKey).doesNotExist();
        for (String key : List.of(wrongKeyKey, corruptKey)) {
            assertThat(jdbc.sql("""
                    select count(*) from audit_event where action = 'STORAGE_OBJECT_QUARANTINED' and object = :o
                    and outcome = 'FAILED'""").param("o", "object:" + key).query(Integer.class).single()).isEqualTo(1);
        }
        List<String> listed = new ArrayList<>();
        admin().get("/api/storage/quarantine").json().forEach(n -> listed.add(n.get("key").asText()));
        assertThat(listed).contains(wrongKeyKey, corruptKey);
        // Still there at the next run: nothing quarantined is ever removed.
        recovery.recover();
        assertThat(quarantine.resolve(wrongKeyKey)).exists();
    }

    @Test
    void recoveryRunsInALifecyclePhaseBeforeTheWebServerAndTheDicomDoor() {
        int webServer = context.getBean("webServerStartStop", org.springframework.context.SmartLifecycle.class).getPhase();
        assertThat(recovery.getPhase()).isLessThan(webServer).isLessThan(dicomDoor.getPhase());
        assertThat(recovery.lastRun()).as("ran at start").isNotNull();
    }

    private Path hourFolder() throws Exception {
        Path folder = store.root().resolve(DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.now()));
        Files.createDirectories(folder);
        return folder;
    }
}
