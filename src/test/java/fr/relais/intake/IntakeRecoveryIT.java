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
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** The index is rebuilt from the objects when its last commits were lost in a crash. */
class IntakeRecoveryIT extends BaseIntegrationTest {

    @Autowired
    IntakeService intake;

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

        int recovered = intake.recoverUnindexedObjects();

        assertThat(recovered).isEqualTo(1);
        assertThat(jdbc.sql("""
                select i.object_key from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where i.sop_instance_uid = :uid and s.hospital_id = :h and i.calling_ae = :ae""")
                .param("uid", lostUid).param("h", hospital).param("ae", ae).query(String.class).single())
                .isEqualTo(key);
        assertThat(intake.recoverUnindexedObjects()).isZero();
    }

    @Test
    void aHalfWrittenObjectIsRemovedNotIndexed() throws Exception {
        Path folder = store.root().resolve(DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.now()));
        Files.createDirectories(folder);
        Path partial = folder.resolve("00000000-0000-0000-0000-000000000000.dcm.enc");
        Files.write(partial, "RLSOBJ01 and then the crash".getBytes());
        long before = jdbc.sql("select count(*) from instance").query(Long.class).single();

        intake.recoverUnindexedObjects();

        assertThat(partial).doesNotExist();
        assertThat(jdbc.sql("select count(*) from instance").query(Long.class).single()).isEqualTo(before);
    }
}
