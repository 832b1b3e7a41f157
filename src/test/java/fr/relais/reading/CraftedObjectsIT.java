package fr.relais.reading;

import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.Part10;
import fr.relais.dicom.TestObjects;
import fr.relais.dicom.Uids;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.storage.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object stored before intake checked pixel modules, as an old one still in a store would be:
 * put in the store and the index directly. Asked for its frames, renders, thumbnail and metadata, it
 * gets a clear refusal; the server allocates nothing its header asks for, and serves on.
 */
class CraftedObjectsIT extends BaseIntegrationTest {

    @Autowired
    ObjectStore store;

    @TempDir
    Path work;

    @Test
    void anOldObjectAnnouncingMillionsOfFramesIsRefusedOnEveryReadAndTheServerServesOn() throws Exception {
        String ae = uniqueAeTitle("OLD");
        long hospital = createHospital(unique("CH Crafted"), ae);
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        ReadableStudies.ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(physician),
                as(radiologist), "IPP-CRAFTED", SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(601),
                work);

        Map<String, Object> row = jdbc.sql("""
                select i.id, i.sop_instance_uid, se.series_uid from instance i join series se on se.id = i.series_id
                where se.study_id = :s order by i.id limit 1""").param("s", exam.studyId()).query().singleRow();
        String series = (String) row.get("series_uid");
        String crafted = (String) row.get("sop_instance_uid");
        String good = exam.study().sopInstanceUids().stream().filter(uid -> !uid.equals(crafted)).findFirst().orElseThrow();
        byte[] dataSet = TestObjects.image().uids(exam.study().studyInstanceUid(), series, crafted)
                .rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7).dataSet();
        ObjectStore.StoredObject object = store.put(List.of(
                ObjectStore.Segment.of(Part10.fileMetaHeader("1.2.840.10008.5.1.4.1.1.2", crafted,
                        Uids.EXPLICIT_VR_LITTLE_ENDIAN, ae, null)),
                ObjectStore.Segment.of(dataSet)));
        // Metadata left empty: the first ask fills it from the object, as for rows older than the metadata column.
        jdbc.sql("update instance set object_key = :k, size_bytes = :n, metadata = null where id = :id")
                .param("k", object.key()).param("n", object.size()).param("id", row.get("id")).update();

        String base = "/dicomweb/studies/" + exam.study().studyInstanceUid() + "/series/" + series + "/instances/";
        for (String path : List.of("frames/1", "frames/300000000", "frames/1,2,3", "rendered", "frames/7/rendered",
                "thumbnail", "thumbnail?viewport=64,64")) {
            HttpResponse<byte[]> refused = get(coordinator, base + crafted + "/" + path, "*/*");
            assertThat(refused.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).as(path)
                    .contains("pixel data does not hold the frames its header announces");
        }
        HttpResponse<byte[]> metadata = get(coordinator, base + crafted + "/metadata", "application/dicom+json");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(new String(metadata.body(), StandardCharsets.UTF_8)).contains(crafted);

        // A viewport is the client's choice, not the server's memory.
        assertThat(get(coordinator, base + good + "/thumbnail?viewport=4096,4096", "image/png").statusCode()).isEqualTo(400);
        assertThat(get(coordinator, base + good + "/rendered?viewport=2049,10", "image/png").statusCode()).isEqualTo(400);

        // The other instance of the same study, and the server, are as before.
        assertThat(get(coordinator, base + good + "/frames/1", "*/*").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> thumbnail = get(coordinator, base + good + "/thumbnail?viewport=2048,2048", "image/png");
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body())).getWidth()).isEqualTo(64);
    }

    private HttpResponse<byte[]> get(TestAccount account, String path, String accept) {
        return as(account).getBytes(path, accept);
    }
}
