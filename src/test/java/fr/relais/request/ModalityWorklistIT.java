package fr.relais.request;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.DicomTestReader;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Modality Worklist as a scanner queries it with DCMTK's {@code findscu -W}: a hospital's
 * stations get their hospital's accepted requests and nothing else, matched on the keys they give;
 * a study made from the answer attaches to its request with no identity mismatch; a query that is
 * no worklist query, or that no hospital may make, is refused with a status and changes nothing.
 */
class ModalityWorklistIT extends BaseIntegrationTest {

    @TempDir
    Path work;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.requireDcmtk();
    }

    private record Hospital(long id, String ae, ApiClient physician) {}

    private Hospital hospital(String name) {
        String ae = uniqueAeTitle("MWL");
        long id = createHospital(unique(name), ae, uniqueAeTitle("MWL2"));
        return new Hospital(id, ae, as(createAccount(Role.HOSPITAL_PHYSICIAN, id)));
    }

    private JsonNode accepted(Hospital h, String patientId, ApiClient radiologist) {
        Map<String, Object> request = RequestFixtures.headCt(patientId, "PATIENT_SIGNED");
        request.put("familyName", "MARTIN");
        request.put("givenName", "Jérôme");
        JsonNode filed = RequestFixtures.file(h.physician(), request);
        RequestFixtures.accept(jdbc, radiologist, filed.get("id").asLong());
        return filed;
    }

    /** The worklist keys a CT console asks for. */
    private static List<String> consoleKeys(String... matching) {
        List<String> keys = new ArrayList<>();
        for (String k : List.of("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "AccessionNumber",
                "StudyInstanceUID", "RequestedProcedureDescription", "RequestedProcedureID", "RequestedProcedurePriority",
                "ReferringPhysicianName", "ScheduledProcedureStepSequence[0].Modality",
                "ScheduledProcedureStepSequence[0].ScheduledStationAETitle",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepID")) {
            keys.add("-k");
            keys.add(k);
        }
        for (String m : matching) {
            keys.add("-k");
            keys.add(m);
        }
        return keys;
    }

    /** The identifiers returned, parsed, and the findscu output. */
    private record Answers(List<DicomTestReader.Parsed> items, List<String> dumps, Dcmtk.Result result) {
        List<String> accessions() {
            return items.stream().map(p -> p.get("AccessionNumber")).toList();
        }
    }

    private Answers query(String callingAe, List<String> keys) throws Exception {
        Path out = Files.createTempDirectory(work, "rsp");
        List<String> options = new ArrayList<>(List.of("-W", "-v", "-X", "-od", out.toString()));
        options.addAll(keys);
        Dcmtk.Result result = Dcmtk.findscu(dicomDoor.port(), callingAe, "RELAIS", options);
        List<DicomTestReader.Parsed> items = new ArrayList<>();
        List<String> dumps = new ArrayList<>();
        for (Path f : files(out)) {
            items.add(DicomTestReader.read(f));
            dumps.add(Dcmtk.run(List.of("dcmdump", "-q", f.toString())).output());
        }
        return new Answers(items, dumps, result);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("rsp")).sorted().toList();
        }
    }

    @Test
    void aScannerGetsItsHospitalsAcceptedRequestsAndNothingOfAnotherHospital() throws Exception {
        Hospital mine = hospital("CH Worklist");
        Hospital other = hospital("CH Autre Worklist");
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        JsonNode accepted = accepted(mine, unique("IPP-MWL"), radiologist);
        JsonNode waiting = RequestFixtures.file(mine.physician(), RequestFixtures.headCt(unique("IPP-WAIT"), "PATIENT_SIGNED"));
        JsonNode elsewhere = accepted(other, unique("IPP-ELSE"), radiologist);

        Answers answers = query(mine.ae(), consoleKeys());

        assertThat(answers.result().exitCode()).as(answers.result().output()).isZero();
        assertThat(answers.accessions()).as(answers.result().output())
                .contains(accepted.get("accessionNumber").asText())
                .doesNotContain(waiting.get("accessionNumber").asText(), elsewhere.get("accessionNumber").asText());
        // Every item returned is this hospital's: none of another's accession numbers.
        List<String> others = jdbc.sql("select accession_number from exam_request where hospital_id <> :h")
                .param("h", mine.id()).query(String.class).list();
        assertThat(answers.accessions()).doesNotContainAnyElementsOf(others);

        DicomTestReader.Parsed item = answers.items().get(answers.accessions().indexOf(accepted.get("accessionNumber").asText()));
        assertThat(item.get("PatientID")).isEqualTo(accepted.get("patientId").asText());
        assertThat(item.get("PatientName")).isEqualTo("MARTIN^Jérôme");
        assertThat(item.get("PatientBirthDate")).isEqualTo("19500314");
        assertThat(item.get("PatientSex")).isEqualTo("M");
        assertThat(item.get("SpecificCharacterSet")).isEqualTo("ISO_IR 192");
        assertThat(item.get("RequestedProcedureDescription")).isEqualTo("Scanner cérébral sans injection");
        assertThat(item.get("RequestedProcedurePriority")).isEqualTo("HIGH");
        assertThat(item.get("StudyInstanceUID")).startsWith("2.25.");
        String dump = answers.dumps().get(answers.accessions().indexOf(accepted.get("accessionNumber").asText()));
        assertThat(dump).contains("(0008,0060) CS [CT]", "(0040,0001) AE [" + mine.ae() + "]",
                "(0040,0007) LO [Crâne sans injection]", "(0040,0002) DA [" + today() + "]");

        // The other hospital's station sees its own, not mine.
        assertThat(query(other.ae(), consoleKeys()).accessions())
                .contains(elsewhere.get("accessionNumber").asText())
                .doesNotContain(accepted.get("accessionNumber").asText());
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'MWL_QUERY' and actor = :a and object = :o "
                        + "and outcome = 'SUCCESS' and detail like :d")
                .param("a", "dicom:" + mine.ae()).param("o", "hospital:" + mine.id())
                .param("d", "%exam:" + accepted.get("id").asLong() + "%").query(Long.class).single()).isEqualTo(1L);
    }

    @Test
    void matchingKeysWildCardsAndDateRangesNarrowTheAnswer() throws Exception {
        Hospital h = hospital("CH Worklist Clés");
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        String patientId = unique("IPP-KEY").replace(' ', '-');
        JsonNode accepted = accepted(h, patientId, radiologist);
        String accession = accepted.get("accessionNumber").asText();
        String today = today();
        String yesterday = LocalDate.now().minusDays(3).format(DateTimeFormatter.BASIC_ISO_DATE);

        assertThat(query(h.ae(), consoleKeys("PatientName=mart*")).accessions()).contains(accession);
        assertThat(query(h.ae(), consoleKeys("PatientName=MARTIN^JEROME")).accessions()).contains(accession);
        assertThat(query(h.ae(), consoleKeys("PatientName=DUPONT*")).accessions()).doesNotContain(accession);
        assertThat(query(h.ae(), consoleKeys("PatientID=" + patientId)).accessions()).containsExactly(accession);
        assertThat(query(h.ae(), consoleKeys("PatientID=" + patientId.substring(0, 5) + "?" + patientId.substring(6)))
                .accessions()).containsExactly(accession);
        assertThat(query(h.ae(), consoleKeys("AccessionNumber=" + accession)).accessions()).containsExactly(accession);
        assertThat(query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate="
                + yesterday + "-" + today)).accessions()).contains(accession);
        assertThat(query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate="
                + today + "-")).accessions()).contains(accession);
        assertThat(query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=-"
                + yesterday)).accessions()).doesNotContain(accession);
        assertThat(query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].Modality=MR")).accessions())
                .doesNotContain(accession);
        assertThat(query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].ScheduledStationAETitle=NOT_OURS"))
                .accessions()).doesNotContain(accession);
    }

    @Test
    void aStudySentWithTheReturnedAttributesAttachesWithNoIdentityMismatch() throws Exception {
        Hospital h = hospital("CH Worklist Envoi");
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        JsonNode accepted = accepted(h, unique("IPP-SEND").replace(' ', '-'), radiologist);
        long id = accepted.get("id").asLong();
        Answers answers = query(h.ae(), consoleKeys("AccessionNumber=" + accepted.get("accessionNumber").asText()));
        assertThat(answers.items()).hasSize(1);
        DicomTestReader.Parsed item = answers.items().get(0);

        // The console copies the worklist item into the images' header, as a scanner does.
        GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64)
                .seed(2301).patientId(item.get("PatientID")).patientName("MARTIN^Jerome").accession(item.get("AccessionNumber"))
                .birthDate(LocalDate.parse(item.get("PatientBirthDate"), DateTimeFormatter.BASIC_ISO_DATE))
                .sex(item.get("PatientSex")).build(), work.resolve("study"));
        List<String> modify = new ArrayList<>(List.of("dcmodify", "-nb", "-m", "StudyInstanceUID=" + item.get("StudyInstanceUID"),
                "-m", "SpecificCharacterSet=ISO_IR 192", "-m", "PatientName=" + item.get("PatientName")));
        study.files().forEach(f -> modify.add(f.toString()));
        assertThat(Dcmtk.run(modify).exitCode()).isZero();
        Dcmtk.Result sent = Dcmtk.storescu(dicomDoor.port(), h.ae(), "RELAIS", study.files());
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        Await.until("exam " + id + " has its images", () -> state(id), s -> s.equals("ACQUIRING") || s.equals("READY"));
        assertThat(jdbc.sql("select s.study_uid from exam e join study s on s.id = e.study_id where e.id = :id")
                .param("id", id).query(String.class).single()).isEqualTo(item.get("StudyInstanceUID"));
        assertThat(jdbc.sql("select count(*) from exam_event where exam_id = :id and to_state = 'MISMATCHED'")
                .param("id", id).query(Long.class).single()).isZero();
    }

    @Test
    void hostileOrMalformedQueriesGetAClearFailureAndChangeNothing() throws Exception {
        Hospital h = hospital("CH Worklist Hostile");
        ApiClient radiologist = as(createAccount(Role.RADIOLOGIST, null));
        JsonNode accepted = accepted(h, unique("IPP-HOST").replace(' ', '-'), radiologist);
        long id = accepted.get("id").asLong();
        long auditBefore = jdbc.sql("select count(*) from audit_event where object = :o").param("o", "hospital:" + h.id())
                .query(Long.class).single();

        // An AE title no hospital registered: the association is refused, nothing answered.
        Answers unknown = query("NOBODY_MWL", consoleKeys());
        assertThat(unknown.items()).isEmpty();
        assertThat(unknown.result().output()).containsIgnoringCase("rejected");

        // A date that is no DICOM date: A900 with the reason, on the same association.
        Answers badDate = query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=2026-12-01"));
        assertThat(badDate.items()).isEmpty();
        assertThat(badDate.result().output()).contains("Final Find Response (Error: DataSetDoesNotMatchSOPClass)");
        assertThat(rejections(h)).anyMatch(d -> d.startsWith("status 0xA900: ")
                && d.contains("ScheduledProcedureStepStartDate 2026-12-01 is not a DICOM date"));

        // Two scheduled steps in one query: a query holds one.
        Answers twoSteps = query(h.ae(), consoleKeys("ScheduledProcedureStepSequence[1].Modality=CT"));
        assertThat(twoSteps.items()).isEmpty();
        assertThat(twoSteps.result().output()).contains("Final Find Response (Error: DataSetDoesNotMatchSOPClass)");
        assertThat(rejections(h)).anyMatch(d -> d.contains("holds 2 items; a query holds one"));

        // A study root query is no worklist query: SOP class not supported, with the reason.
        Path out = Files.createTempDirectory(work, "qr");
        Dcmtk.Result studyRoot = Dcmtk.findscu(dicomDoor.port(), h.ae(), "RELAIS", List.of("-S", "-v", "-X", "-od",
                out.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=" + accepted.get("patientId").asText(),
                "-k", "StudyInstanceUID"));
        assertThat(files(out)).isEmpty();
        assertThat(studyRoot.output()).contains("Final Find Response (Refused: SOPClassNotSupported)");
        assertThat(rejections(h)).anyMatch(d -> d.startsWith("status 0x0122: only the Modality Worklist"));

        // Nothing changed: the request as it was, its images still awaited, and it is still on the worklist.
        assertThat(state(id)).isEqualTo("PROTOCOLED");
        assertThat(query(h.ae(), consoleKeys()).accessions()).contains(accepted.get("accessionNumber").asText());
        assertThat(jdbc.sql("select count(*) from audit_event where object = :o and action = 'MWL_QUERY' and outcome = 'REJECTED'")
                .param("o", "hospital:" + h.id()).query(Long.class).single()).isEqualTo(3L);
        assertThat(jdbc.sql("select count(*) from audit_event where object = :o").param("o", "hospital:" + h.id())
                .query(Long.class).single()).isEqualTo(auditBefore + 4);
    }

    private List<String> rejections(Hospital h) {
        return jdbc.sql("select detail from audit_event where object = :o and action = 'MWL_QUERY' and outcome = 'REJECTED'")
                .param("o", "hospital:" + h.id()).query(String.class).list();
    }

    private String state(long id) {
        return jdbc.sql("select state from exam where id = :id").param("id", id).query(String.class).single();
    }

    private static String today() {
        return LocalDate.now(java.time.ZoneId.of("Europe/Paris")).format(DateTimeFormatter.BASIC_ISO_DATE);
    }
}
