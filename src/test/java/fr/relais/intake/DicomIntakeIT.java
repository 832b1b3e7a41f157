package fr.relais.intake;

import fr.relais.dicom.Part10;
import fr.relais.dicom.RawScu;
import fr.relais.dicom.TestObjects;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.storage.ObjectStore;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DicomIntakeIT extends BaseIntegrationTest {

    @org.springframework.beans.factory.annotation.Autowired
    fr.relais.audit.RefusedAttempts refusals;

    @Autowired
    ObjectStore store;

    @TempDir
    Path work;

    @Test
    void aHundredSliceStudySentByStorescuIsIndexedOnceEncryptedAndWaitsForItsRequest() throws Exception {
        long hospital = newHospital("AGEN_CT");
        String patientName = "TESTPATIENT^UNIQUENAME";
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder()
                .slices(100).patientName(patientName).patientId("IPP-AGEN-1").accession("ACC100").seed(11).build(), work);

        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), "AGEN_CT", "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        List<Map<String, Object>> rows = jdbc.sql("""
                select i.sop_instance_uid, i.object_key from instance i
                join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.hospital_id = :h and s.study_uid = :uid""")
                .param("h", hospital).param("uid", study.studyInstanceUid()).query().listOfRows();
        assertThat(rows).hasSize(100);
        assertThat(rows.stream().map(r -> r.get("sop_instance_uid")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(study.sopInstanceUids());
        assertThat(jdbc.sql("select instance_count from study where hospital_id = :h").param("h", hospital)
                .query(Integer.class).single()).isEqualTo(100);

        // No request carries this accession number: the study waits for a coordinator, not lost.
        awaitExamState(hospital, "UNMATCHED");

        // No file of the data folder holds the patient's name in clear: objects and database alike.
        byte[] name = patientName.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(dataDir())) {
            List<Path> leaking = files.filter(Files::isRegularFile).filter(f -> contains(f, name)).toList();
            assertThat(leaking).isEmpty();
        }

        // Retrieval after decryption gives back the very bytes sent.
        Map<String, Path> originals = study.instances().stream()
                .collect(Collectors.toMap(SyntheticCt.Instance::sopInstanceUid, SyntheticCt.Instance::file));
        for (Map<String, Object> row : rows) {
            byte[] stored = store.read((String) row.get("object_key"));
            byte[] storedDataSet = Arrays.copyOfRange(stored, Part10.dataSetOffset(stored), stored.length);
            assertThat(storedDataSet).isEqualTo(TestObjects.dataSet(originals.get((String) row.get("sop_instance_uid"))));
        }
    }

    @Test
    void reSendingAStudyIsIdempotent() throws Exception {
        long hospital = newHospital("DAX_CT");
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(5).seed(12).build(), work);

        assertThat(Dcmtk.storescu(dicomDoor.port(), "DAX_CT", "RELAIS", study.files()).exitCode()).isZero();
        List<Path> filesAfterFirst = objectFiles();
        assertThat(Dcmtk.storescu(dicomDoor.port(), "DAX_CT", "RELAIS", study.files()).exitCode()).isZero();

        assertThat(countInstances(hospital)).isEqualTo(5);
        assertThat(jdbc.sql("select instance_count from study where hospital_id = :h").param("h", hospital)
                .query(Integer.class).single()).isEqualTo(5);
        // The second copies were not kept on disk either.
        assertThat(objectFiles()).containsExactlyInAnyOrderElementsOf(filesAfterFirst);
    }

    private List<Path> objectFiles() throws IOException {
        try (Stream<Path> objects = Files.walk(store.root())) {
            return objects.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void twoHospitalsMayUseOnePatientIdForTwoPeople() throws Exception {
        long dax = newHospital("ORTHEZ_CT");
        long pau = newHospital("ROYAN_CT");
        Path a = Files.createDirectories(work.resolve("a"));
        Path b = Files.createDirectories(work.resolve("b"));
        GeneratedStudy first = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).patientId("123").seed(1).build(), a);
        GeneratedStudy second = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).patientId("123").seed(2).build(), b);
        assertThat(Dcmtk.storescu(dicomDoor.port(), "ORTHEZ_CT", "RELAIS", first.files()).exitCode()).isZero();
        assertThat(Dcmtk.storescu(dicomDoor.port(), "ROYAN_CT", "RELAIS", second.files()).exitCode()).isZero();

        List<Long> patients = jdbc.sql("""
                select distinct p.id from patient p where p.patient_key = '123' and p.hospital_id in (:h)""")
                .param("h", List.of(dax, pau)).query(Long.class).list();
        assertThat(patients).hasSize(2);
    }

    @Test
    void anUnregisteredCallingAeIsRejectedAtAssociationAndAudited() throws Exception {
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).seed(13).build(), work);
        long before = jdbc.sql("select count(*) from instance").query(Long.class).single();
        refusals.flush();

        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), "STRANGER_CT", "RELAIS", study.files());

        assertThat(sent.exitCode()).isNotZero();
        assertThat(sent.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(jdbc.sql("select count(*) from instance").query(Long.class).single()).isEqualTo(before);
        assertThat(jdbc.sql("""
                select count(*) from audit_event
                where actor = 'dicom:unknown' and action = 'DICOM_ASSOCIATION' and outcome = 'REJECTED'
                  and detail like '%STRANGER_CT%'""")
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aFloodOfUnknownAeTitlesLeavesABoundedNumberOfAuditEntries() throws Exception {
        refusals.flush();
        long before = jdbc.sql("select coalesce(max(id), 0) from audit_event").query(Long.class).single();
        for (int i = 0; i < 60; i++) {
            String ae = "GUESS_" + i;
            assertThatThrownBy(() -> RawScu.associate("127.0.0.1", dicomDoor.port(), ae, "RELAIS").close())
                    .hasMessageContaining("not accepted");
        }
        refusals.flush();
        List<String> entries = jdbc.sql("""
                        select detail from audit_event where id > :before and action = 'DICOM_ASSOCIATION' and actor = 'dicom:unknown'
                        order by id""").param("before", before).query(String.class).list();
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).contains("GUESS_0");
        assertThat(entries.get(1)).startsWith("59 more refused since").contains("GUESS_59");
        // A registered hospital is still served.
        String ae = uniqueAeTitle("AFTER_FLOOD");
        createHospital(unique("CH Après"), ae);
        assertThat(Dcmtk.echoscu(dicomDoor.port(), ae, "RELAIS").exitCode()).isZero();
    }

    @Test
    void aHospitalWithRegisteredNetworksIsRefusedFromElsewhereAndAcceptedFromWithin() throws Exception {
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).seed(31).build(), work);
        String faraway = uniqueAeTitle("NET_FAR");
        long far = hospitalWithNetworks(faraway, "10.12.0.0/16", "2001:db8::/32");
        String local = uniqueAeTitle("NET_NEAR");
        long near = hospitalWithNetworks(local, "10.12.0.0/16", "127.0.0.0/8");

        // Loopback is outside 10.12.0.0/16 and 2001:db8::/32: its AE title alone is not enough.
        Dcmtk.Result refused = Dcmtk.storescu(dicomDoor.port(), faraway, "RELAIS", study.files());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(Dcmtk.echoscu(dicomDoor.port(), faraway, "RELAIS").exitCode()).isNotZero();
        assertThat(countInstances(far)).isZero();
        assertThat(jdbc.sql("""
                select detail from audit_event
                where actor = :actor and action = 'DICOM_ASSOCIATION' and outcome = 'REJECTED' and object = :object
                order by id limit 1""")
                .param("actor", "dicom:" + faraway).param("object", "hospital:" + far).query(String.class).single())
                .contains("127.0.0.1", "outside its registered networks", "10.12.0.0/16", "2001:db8::/32");

        // 127.0.0.0/8 holds loopback.
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), local, "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(countInstances(near)).isEqualTo(2);

        // Without networks, as before: from anywhere.
        String anywhere = uniqueAeTitle("NET_ANY");
        assertThat(Dcmtk.echoscu(dicomDoor.port(), anywhere, "RELAIS").exitCode()).isNotZero();
        newHospital(anywhere);
        assertThat(Dcmtk.echoscu(dicomDoor.port(), anywhere, "RELAIS").exitCode()).isZero();
    }

    private long hospitalWithNetworks(String aeTitle, String... networks) {
        ApiClient.Response response = admin().post("/api/hospitals", Map.of("name", unique("CH " + aeTitle),
                "finess", uniqueFiness(), "aeTitles", List.of(aeTitle), "networks", List.of(networks)));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asLong();
    }

    @Test
    void aRegisteredHospitalCanVerifyTheConnectionWithCEcho() throws Exception {
        newHospital("ANGOULEME_CT");
        assertThat(Dcmtk.echoscu(dicomDoor.port(), "ANGOULEME_CT", "RELAIS").exitCode()).isZero();
        assertThat(Dcmtk.echoscu(dicomDoor.port(), "UNKNOWN_CT", "RELAIS").exitCode()).isNotZero();
    }

    @Test
    void aWrongCalledAeIsRejected() throws Exception {
        newHospital("JONZAC_CT");
        assertThatThrownBy(() -> RawScu.associate("127.0.0.1", dicomDoor.port(), "JONZAC_CT", "NOT_RELAIS"))
                .hasMessageContaining("association not accepted");
    }

    @Test
    void badObjectsGetAFailureStatusWithAReasonWhileAnotherSenderCompletes() throws Exception {
        long good = newHospital("PAU_CT");
        long bad = newHospital("OLORON_CT");
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(40).seed(14).build(),
                Files.createDirectories(work.resolve("good")));
        GeneratedStudy other = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(15).build(),
                Files.createDirectories(work.resolve("bad")));
        Path sample = other.files().get(0);
        byte[] whole = TestObjects.dataSet(sample);

        CompletableFuture<Dcmtk.Result> goodSender = CompletableFuture.supplyAsync(() -> {
            try {
                return Dcmtk.storescu(dicomDoor.port(), "PAU_CT", "RELAIS", study.files());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        try (RawScu scu = RawScu.associate("127.0.0.1", dicomDoor.port(), "OLORON_CT", "RELAIS")) {
            RawScu.Response truncated = scu.store(other.sopInstanceUids().get(0), Arrays.copyOf(whole, 300));
            assertThat(truncated.status()).isEqualTo(0xC000);
            assertThat(truncated.errorComment()).contains("truncated");

            RawScu.Response noStudyUid = scu.store(other.sopInstanceUids().get(0), TestObjects.withoutStudyUid(sample));
            assertThat(noStudyUid.status()).isEqualTo(0xC000);
            assertThat(noStudyUid.errorComment()).contains("study instance UID is missing");

            RawScu.Response mismatch = scu.store("1.2.3.4.5", whole);
            assertThat(mismatch.status()).isEqualTo(0xC000);
            assertThat(mismatch.errorComment()).contains("differ from the C-STORE command");

            // After refusals the association still works: the good object goes through.
            assertThat(scu.store(other.sopInstanceUids().get(0), whole).status()).isZero();
            scu.release();
        }

        // Garbage on the socket: the association is aborted, the server goes on.
        try (Socket socket = new Socket("127.0.0.1", dicomDoor.port())) {
            OutputStream out = socket.getOutputStream();
            byte[] garbage = new byte[4096];
            new java.util.Random(1).nextBytes(garbage);
            garbage[0] = 0x01; // looks like an A-ASSOCIATE-RQ with an absurd length
            out.write(garbage);
            out.flush();
            socket.setSoTimeout(10_000);
            int first = socket.getInputStream().read();
            assertThat(first).isIn(-1, 0x07); // closed, or A-ABORT
        }

        Dcmtk.Result goodResult = goodSender.get();
        assertThat(goodResult.exitCode()).as(goodResult.output()).isZero();
        assertThat(countInstances(good)).isEqualTo(40);
        assertThat(countInstances(bad)).isEqualTo(1);
    }

    @Test
    void anImageWhosePixelDataCannotHoldItsFramesIsRefusedWithItsReasonAndTheRestOfTheAssociationIsStored()
            throws Exception {
        long hospital = newHospital("BAYONNE_CT");
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).seed(17).build(),
                Files.createDirectories(work.resolve("good")));
        TestObjects.Image crafted = TestObjects.image().rows(1).columns(1).samples(0).frames("300000000").bits(8, 8, 7);
        Path craftedFile = crafted.write(work.resolve("crafted.dcm"));
        int objectsBefore = objectFiles().size();

        // One association: a good slice, the crafted object, the other good slice; -nh goes on after a refusal.
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), "BAYONNE_CT", "RELAIS", List.of("-nh", "-d"),
                List.of(study.files().get(0), craftedFile, study.files().get(1)));

        assertThat(sent.output()).contains("Cannot understand").contains("SamplesPerPixel 0 is not 1 to 4");
        assertThat(countInstances(hospital)).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from instance where sop_instance_uid = :uid")
                .param("uid", crafted.sopInstanceUid()).query(Long.class).single()).isZero();
        // Nothing of the refused object was written: the store holds the two good slices more, no other file.
        assertThat(objectFiles()).hasSize(objectsBefore + 2);
    }

    @Test
    void anUnsupportedSopClassGetsAStatusNamingIt() throws Exception {
        newHospital("MARMANDE_CT");
        GeneratedStudy other = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).seed(16).build(), work);
        // Raw Data Storage is a storage class, but no image or document a hub reads.
        try (RawScu scu = RawScu.associateFor("127.0.0.1", dicomDoor.port(), "MARMANDE_CT", "RELAIS", RAW_DATA)) {
            RawScu.Response response = scu.store(RAW_DATA, other.sopInstanceUids().get(0),
                    TestObjects.withSopClass(other.files().get(0), RAW_DATA));
            assertThat(response.status()).isEqualTo(0x0122);
            assertThat(response.errorComment()).contains("not received");
        }
    }

    /** A hospital of this test's own, registered through the API with one calling AE title. */
    private long newHospital(String aeTitle) {
        return createHospital(unique("CH " + aeTitle), aeTitle);
    }

    private static final String RAW_DATA = "1.2.840.10008.5.1.4.1.1.66";

    private long countInstances(long hospital) {
        return jdbc.sql("""
                select count(*) from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.hospital_id = :h""").param("h", hospital).query(Long.class).single();
    }

    private void awaitExamState(long hospital, String state) {
        Await.until("the exam of hospital " + hospital + " in state " + state,
                () -> jdbc.sql("select state from exam where hospital_id = :h").param("h", hospital)
                        .query(String.class).optional().orElse(null),
                state::equals);
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] content = Files.readAllBytes(file);
            outer:
            for (int i = 0; i <= content.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (content[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false; // sockets, files removed while walking
        }
    }
}
