package fr.relais.billing;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.report.ReportFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistFixtures;
import fr.relais.worklist.WorklistService;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static fr.relais.report.ReportFixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A night of reports signed through the real API, in hospitals of three time zones, gives the act
 * export and the radiologist's statement, line by line. The signing time is the real clock's: the
 * expected modifier of each line is computed from the stored signature time by the pure rule.
 */
class BillingIT extends BaseIntegrationTest {

    private static final String[] TYPES = {"CT_HEAD", "CT_PULM_ANGIO", "CT_TRAUMA"};

    @Autowired
    Sealer sealer;

    @Autowired
    WorklistService worklist;

    @Autowired
    Statements statements;

    private ReportFixtures fixtures;
    private BillingFixtures billing;
    private final Map<String, Long> hospitals = new LinkedHashMap<>();
    private final Map<Long, TestAccount> physicians = new HashMap<>();
    private TestAccount radiologist;
    private String rpps;
    private TestAccount colleague;
    private TestAccount billingClerk;

    /** What one act line must say, from the request, the catalog and the stored signature. */
    private record Expected(long examId, String ccam, String modifier, String finess, String patientKey,
                            String accession, String zone, LocalDate localDate, LocalTime localTime, LocalDate night,
                            String type) {}

    @BeforeEach
    void setUp() {
        fixtures = new ReportFixtures(jdbc, sealer, worklist);
        billing = new BillingFixtures(jdbc, sealer);
        hospitals.clear();
        hospitals.put("Europe/Paris", BillingFixtures.hospital(admin(), unique("CH Bayonne"), uniqueFiness(), "Europe/Paris", uniqueAeTitle("BAY")));
        hospitals.put("America/Cayenne", BillingFixtures.hospital(admin(), unique("CH Cayenne"), uniqueFiness(), "America/Cayenne", uniqueAeTitle("CAY")));
        hospitals.put("Indian/Reunion", BillingFixtures.hospital(admin(), unique("CHU Réunion"), uniqueFiness(), "Indian/Reunion", uniqueAeTitle("REU")));
        long center = fixtures.center(unique("Centre Facturation"));
        radiologist = createAccount(Role.RADIOLOGIST, null);
        colleague = createAccount(Role.RADIOLOGIST, null);
        billingClerk = createAccount(Role.BILLING, null);
        rpps = BillingFixtures.rpps();
        ApiClient.Response set = admin().put("/api/radiologists/" + radiologist.id() + "/rpps", Map.of("rpps", rpps));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("rpps").asText()).isEqualTo(rpps);
        WorklistFixtures seats = new WorklistFixtures(jdbc, sealer);
        for (long hospital : hospitals.values()) {
            physicians.put(hospital, createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
            seats.authorise(radiologist.id(), hospital);
        }
        seats.checkIn(radiologist.id(), center);
    }

    private long signed(TestAccount by, long hospital, String examType) {
        long exam = fixtures.readyExam(hospital, physicians.get(hospital).id(), Instant.now().minus(Duration.ofMinutes(12)));
        jdbc.sql("update exam_request set exam_type_code = :t where exam_id = :e").param("t", examType).param("e", exam).update();
        ReportFixtures.claim(as(by), exam);
        String path = "/api/exams/" + exam + "/report";
        ApiClient.Response saved = as(by).put(path, draft(0, "Pas d’anomalie.", "Normal."));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        ApiClient.Response sign = as(by).post(path + "/sign", Map.of("version", saved.json().get("version").asInt()));
        assertThat(sign.status()).as(sign.body()).isEqualTo(200);
        return exam;
    }

    private Expected expected(long exam) {
        record Row(String ccamCode, String finess, String timeZone, String patientKey, String accessionNumber,
                   OffsetDateTime signedAt, String examTypeCode) {}
        Row row = jdbc.sql("""
                select t.ccam_code, h.finess, h.time_zone, q.patient_key, q.accession_number, r.signed_at, q.exam_type_code
                from report r join exam_request q on q.exam_id = r.exam_id join exam_type t on t.code = q.exam_type_code
                join hospital h on h.id = q.hospital_id where r.exam_id = :e""").param("e", exam).query(Row.class).single();
        ZoneId zone = ZoneId.of(row.timeZone());
        Instant at = row.signedAt().toInstant();
        ZonedDateTime local = at.atZone(zone);
        ZonedDateTime paris = at.atZone(ZoneId.of("Europe/Paris"));
        LocalDate night = paris.getHour() < 12 ? paris.toLocalDate().minusDays(1) : paris.toLocalDate();
        return new Expected(exam, row.ccamCode(), CcamModifier.of(at, zone, true).map(Enum::name).orElse(null),
                row.finess(), row.patientKey(), row.accessionNumber(), row.timeZone(), local.toLocalDate(),
                local.toLocalTime().withNano(0), night, row.examTypeCode());
    }

    /** The act lines of the given exams, from the JSON export of every month they fall in. */
    private Map<Long, JsonNode> exported(ApiClient as, List<Expected> expected) {
        Map<Long, JsonNode> byExam = new TreeMap<>();
        for (YearMonth month : new TreeSet<>(expected.stream().map(e -> YearMonth.from(e.localDate())).toList())) {
            ApiClient.Response response = as.get("/api/billing/acts?month=" + month);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("month").asText()).isEqualTo(month.toString());
            for (JsonNode act : response.json().get("acts")) {
                long exam = act.get("examId").asLong();
                if (expected.stream().anyMatch(e -> e.examId() == exam)) {
                    assertThat(byExam.put(exam, act)).as("one act per exam").isNull();
                }
            }
        }
        return byExam;
    }

    @Test
    void aNightOfSignedReportsGivesOneActLineEachAndTheRadiologistsStatement() throws IOException {
        List<Expected> night = new ArrayList<>();
        int i = 0;
        for (long hospital : hospitals.values()) {
            night.add(expected(signed(radiologist, hospital, TYPES[i % TYPES.length])));
            night.add(expected(signed(radiologist, hospital, TYPES[(i + 1) % TYPES.length])));
            i++;
        }
        // The colleague's reading is not on the radiologist's statement.
        fixtures.onDuty(colleague.id(), hospitals.get("Europe/Paris"), fixtures.center(unique("Centre Collègue")));
        Expected colleagues = expected(signed(colleague, hospitals.get("Europe/Paris"), "CT_HEAD"));
        // An addendum corrects a report: it bills nothing more.
        long corrected = night.get(0).examId();
        assertThat(as(radiologist).post("/api/exams/" + corrected + "/report/addenda", Map.of("text", "Précision.")).status())
                .isEqualTo(201);

        List<Expected> all = new ArrayList<>(night);
        all.add(colleagues);
        Map<Long, JsonNode> acts = exported(as(billingClerk), all);
        assertThat(acts).hasSize(all.size());
        for (Expected e : all) {
            JsonNode act = acts.get(e.examId());
            String line = "exam " + e.examId() + " in " + e.zone();
            assertThat(act.get("ccamCode").asText()).as(line).isEqualTo(e.ccam());
            assertThat(act.get("modifier").isNull() ? null : act.get("modifier").asText()).as(line).isEqualTo(e.modifier());
            assertThat(act.get("urgent").asBoolean()).as(line).isTrue();
            assertThat(act.get("finess").asText()).as(line).isEqualTo(e.finess());
            assertThat(act.get("patientReference").asText()).as(line).isEqualTo(e.patientKey());
            assertThat(act.get("accessionNumber").asText()).as(line).isEqualTo(e.accession());
            assertThat(act.get("timeZone").asText()).as(line).isEqualTo(e.zone());
            assertThat(act.get("localDate").asText()).as(line).isEqualTo(e.localDate().toString());
            assertThat(LocalTime.parse(act.get("localTime").asText())).as(line).isEqualTo(e.localTime());
            assertThat(act.get("nightDate").asText()).as(line).isEqualTo(e.night().toString());
            assertThat(act.get("examTypeCode").asText()).as(line).isEqualTo(e.type());
            assertThat(act.get("rpps").isNull() ? null : act.get("rpps").asText()).as(line)
                    .isEqualTo(e == colleagues ? null : rpps);
            assertThat(act.toString()).as("no patient name in the act line").doesNotContain("NOMPATIENT", "Zephyrine");
        }
        assertThat(jdbc.sql("select count(*) from ccam_act where exam_id = :e").param("e", corrected).query(Long.class).single())
                .isEqualTo(1);

        // The same lines in the CSV, the accession number finding each.
        YearMonth month = YearMonth.from(night.get(0).localDate());
        ApiClient.Response csv = as(billingClerk).get("/api/billing/acts.csv?month=" + month);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).contains("actes-ccam-" + month + ".csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("\uFEFFacte;date;heure;fuseau;code_ccam;modificateur;urgent;rpps;finess;"
                + "reference_patient;numero_examen;type_examen;radiologue");
        for (Expected e : all) {
            if (!YearMonth.from(e.localDate()).equals(month)) {
                continue;
            }
            String[] cells = lines.stream().filter(l -> l.contains(";" + e.accession() + ";")).findFirst().orElseThrow().split(";", -1);
            assertThat(cells[1]).isEqualTo(e.localDate().toString());
            assertThat(LocalTime.parse(cells[2])).isEqualTo(e.localTime());
            assertThat(cells[3]).isEqualTo(e.zone());
            assertThat(cells[4]).isEqualTo(e.ccam());
            assertThat(cells[5]).isEqualTo(e.modifier() == null ? "" : e.modifier());
            assertThat(cells[6]).isEqualTo("O");
            assertThat(cells[7]).isEqualTo(e == colleagues ? "" : rpps);
            assertThat(cells[8]).isEqualTo(e.finess());
            assertThat(cells[9]).isEqualTo(e.patientKey());
        }
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'CCAM_ACTS_EXPORTED' and actor = :u")
                .param("u", billingClerk.username()).query(Long.class).single()).isGreaterThanOrEqualTo(2);

        // The radiologist's statement for the nights of the month: by night and by exam type.
        YearMonth statementMonth = YearMonth.from(night.get(0).night());
        List<Expected> mine = night.stream().filter(e -> YearMonth.from(e.night()).equals(statementMonth)).toList();
        ApiClient.Response statement = as(radiologist).get("/api/billing/statements/" + radiologist.id() + "?month=" + statementMonth);
        assertThat(statement.status()).as(statement.body()).isEqualTo(200);
        JsonNode s = statement.json();
        assertThat(s.get("rpps").asText()).isEqualTo(rpps);
        assertThat(s.get("total").asInt()).isEqualTo(mine.size());
        Map<String, Integer> byType = new TreeMap<>();
        mine.forEach(e -> byType.merge(e.type(), 1, Integer::sum));
        Map<String, Integer> stated = new TreeMap<>();
        s.get("types").forEach(t -> stated.put(t.get("examTypeCode").asText(), t.get("exams").asInt()));
        assertThat(stated).isEqualTo(byType);
        Map<String, Integer> byNight = new TreeMap<>();
        mine.forEach(e -> byNight.merge(e.night().toString(), 1, Integer::sum));
        Map<String, Integer> statedNights = new TreeMap<>();
        s.get("nights").forEach(n -> statedNights.put(n.get("date").asText(), n.get("exams").asInt()));
        assertThat(statedNights).isEqualTo(byNight);
        Map<String, Integer> byModifier = new TreeMap<>(Map.of("U", 0, "F", 0, "-", 0));
        mine.forEach(e -> byModifier.merge(e.modifier() == null ? "-" : e.modifier(), 1, Integer::sum));
        Map<String, Integer> statedModifiers = new TreeMap<>();
        s.get("modifiers").forEach(m -> statedModifiers.put(m.get("modifier").isNull() ? "-" : m.get("modifier").asText(),
                m.get("exams").asInt()));
        assertThat(statedModifiers).isEqualTo(byModifier);

        ApiClient.Response statementCsv = as(billingClerk).get("/api/billing/statements/" + radiologist.id() + ".csv?month=" + statementMonth);
        assertThat(statementCsv.status()).isEqualTo(200);
        List<String> rows = statementCsv.body().lines().toList();
        byNight.keySet().forEach(n -> byType.keySet().forEach(t -> {
            long expectedCount = mine.stream().filter(e -> e.night().toString().equals(n) && e.type().equals(t)).count();
            List<String> found = rows.stream().filter(r -> r.contains(";" + n + ";" + t + ";")).toList();
            if (expectedCount == 0) {
                assertThat(found).isEmpty();
            } else {
                assertThat(found).hasSize(1);
                assertThat(found.get(0)).endsWith(";" + expectedCount);
            }
        }));
        assertThat(rows.get(rows.size() - 1)).endsWith(";total;;;;" + mine.size());
        assertThat(rows).anyMatch(r -> r.endsWith(";total;;;sans modificateur;" + byModifier.get("-")));

        ApiClient.Response pdf = as(radiologist).get("/api/billing/statements/" + radiologist.id() + ".pdf?month=" + statementMonth);
        assertThat(pdf.status()).isEqualTo(200);
        assertThat(pdf.contentType()).isEqualTo("application/pdf");
        assertThat(pdf.body()).startsWith("%PDF-");
        try (PDDocument document = Loader.loadPDF(statements.pdf(statements.statement(radiologist.id(), statementMonth)))) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains("Relevé de production", "RPPS " + rpps,
                    "Total : " + mine.size() + " examen(s) en " + byNight.size() + " nuit(s)");
            byType.keySet().forEach(t -> assertThat(text).contains(t + " × "));
        }
    }

    /**
     * Reports signed at chosen moments of May 2025 (worked out by hand from the calendar: 1 May, 8 May
     * and Ascension on 29 May are holidays; 4 May is a Sunday) give the modifiers the bill must show,
     * in the hospital's own clock.
     */
    @Test
    void signaturesAtChosenMomentsGiveTheModifiersWorkedOutByHand() {
        record Case(String zone, String localDateTime, String modifier) {}
        List<Case> cases = List.of(
                new Case("Europe/Paris", "2025-05-02T19:59", null),      // Friday, still the day
                new Case("Europe/Paris", "2025-05-02T20:00", "U"),       // the night begins
                new Case("Europe/Paris", "2025-05-03T07:59", "U"),       // Saturday morning, still night
                new Case("Europe/Paris", "2025-05-03T08:00", null),      // the day again
                new Case("Europe/Paris", "2025-05-03T23:00", "U"),       // Saturday night is no holiday
                new Case("Europe/Paris", "2025-05-04T14:00", "F"),       // Sunday
                new Case("Europe/Paris", "2025-05-01T10:00", "F"),       // 1 May
                new Case("Europe/Paris", "2025-05-08T21:00", "F"),       // 8 May at night: F, never both
                new Case("Europe/Paris", "2025-05-29T03:00", "F"),       // Ascension Day
                new Case("America/Cayenne", "2025-05-02T21:00", "U"),    // 02:00 on Saturday in Paris
                new Case("Indian/Reunion", "2025-05-05T01:00", "U"));    // Sunday 23:00 in Paris, Monday there
        Map<Long, Case> byExam = new LinkedHashMap<>();
        for (Case c : cases) {
            long hospital = hospitals.get(c.zone());
            Instant at = java.time.LocalDateTime.parse(c.localDateTime()).atZone(ZoneId.of(c.zone())).toInstant();
            byExam.put(billing.signedInThePast(hospital, physicians.get(hospital).id(), radiologist.id(), at, "REPORTED"), c);
        }
        ApiClient.Response response = as(billingClerk).get("/api/billing/acts?month=2025-05");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        Map<Long, JsonNode> acts = new HashMap<>();
        response.json().get("acts").forEach(a -> acts.put(a.get("examId").asLong(), a));
        byExam.forEach((exam, c) -> {
            JsonNode act = acts.get(exam);
            assertThat(act).as(c.toString()).isNotNull();
            assertThat(act.get("modifier").isNull() ? null : act.get("modifier").asText()).as(c.toString()).isEqualTo(c.modifier());
            assertThat(act.get("localDate").asText() + "T" + act.get("localTime").asText().substring(0, 5)).as(c.toString())
                    .isEqualTo(c.localDateTime());
            assertThat(act.get("timeZone").asText()).isEqualTo(c.zone());
        });
        // The Cayenne act of Friday 21:00 belongs to the network's night of Friday 2 May (02:00 in Paris).
        long cayenne = byExam.entrySet().stream().filter(e -> e.getValue().zone().equals("America/Cayenne")).findFirst()
                .orElseThrow().getKey();
        assertThat(acts.get(cayenne).get("nightDate").asText()).isEqualTo("2025-05-02");

        // The statement of May's nights (1 May at 10:00 belongs to the night of 30 April): by hand,
        // U for 20:00, 07:59, Saturday 23:00, Cayenne and Réunion; F for Sunday, 8 May and Ascension;
        // none for 19:59 and 08:00.
        JsonNode may = as(billingClerk).get("/api/billing/statements/" + radiologist.id() + "?month=2025-05").json();
        Map<String, Integer> modifiers = new TreeMap<>();
        may.get("modifiers").forEach(m -> modifiers.put(m.get("modifier").isNull() ? "-" : m.get("modifier").asText(),
                m.get("exams").asInt()));
        assertThat(modifiers).isEqualTo(Map.of("U", 5, "F", 3, "-", 2));
        assertThat(may.get("total").asInt()).isEqualTo(10);
    }

    @Test
    void aCancelledExamGivesNoActEvenWithASignedReport() {
        long hospital = hospitals.get("Europe/Paris");
        Instant at = Instant.now().minus(Duration.ofMinutes(5));
        long cancelled = billing.signedInThePast(hospital, physicians.get(hospital).id(), radiologist.id(), at, "CANCELLED");
        long reported = billing.signedInThePast(hospital, physicians.get(hospital).id(), radiologist.id(), at, "REPORTED");
        Map<Long, JsonNode> acts = exported(as(billingClerk), List.of(expected(cancelled), expected(reported)));
        assertThat(acts).containsOnlyKeys(reported);
    }

    @Test
    void billingDataIsForTheBillingTeamAndAdministratorsOnly() {
        String month = YearMonth.now().toString();
        TestAccount physician = physicians.get(hospitals.get("Europe/Paris"));
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        for (String path : List.of("/api/billing/acts?month=" + month, "/api/billing/acts.csv?month=" + month,
                "/api/billing/statements?month=" + month, "/api/billing/subscriptions", "/api/billing/invoices")) {
            assertThat(as(physician).get(path).status()).as(path).isEqualTo(403);
            assertThat(as(radiologist).get(path).status()).as(path).isEqualTo(403);
            assertThat(as(coordinator).get(path).status()).as(path).isEqualTo(403);
            assertThat(anonymous().get(path).status()).as(path).isEqualTo(401);
            assertThat(as(billingClerk).get(path).status()).as(path).isEqualTo(200);
            assertThat(admin().get(path).status()).as(path).isEqualTo(200);
        }
        String own = "/api/billing/statements/" + radiologist.id() + "?month=" + month;
        assertThat(as(radiologist).get(own).status()).isEqualTo(200);
        assertThat(as(billingClerk).get(own).status()).isEqualTo(200);
        assertThat(as(physician).get(own).status()).isEqualTo(403);
        ApiClient.Response other = as(colleague).get(own);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(as(colleague).get("/api/billing/statements/" + radiologist.id() + ".pdf?month=" + month).status()).isEqualTo(403);
        assertThat(as(physician).put("/api/billing/subscriptions/" + hospitals.get("Europe/Paris"),
                Map.of("annualAmountCents", 100, "startsOn", "2026-01-01", "frequency", "MONTHLY")).status()).isEqualTo(403);
    }

    @Test
    void aMalformedMonthIsAProblemDetail() {
        for (String month : List.of("2026-13", "nov", "2026-1", "", "26-11")) {
            ApiClient.Response response = as(billingClerk).language("en").get("/api/billing/acts?month=" + month);
            assertThat(response.status()).as(month).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asText()).contains("YYYY-MM");
        }
        assertThat(as(billingClerk).get("/api/billing/acts").status()).isEqualTo(400);
        assertThat(as(radiologist).get("/api/billing/statements/" + radiologist.id() + "?month=2026-00").status()).isEqualTo(400);
    }

    @Test
    void aWrongRppsIsRefusedAndChangesNothing() {
        for (String wrong : List.of("1234567890", "123456789012", "1000000000A", rppsWithWrongCheckDigit())) {
            ApiClient.Response response = admin().language("en").put("/api/radiologists/" + radiologist.id() + "/rpps",
                    Map.of("rpps", wrong));
            assertThat(response.status()).as(wrong).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asText()).contains("11 digits");
        }
        assertThat(jdbc.sql("select rpps from app_user where id = :id").param("id", radiologist.id())
                .query(String.class).single()).isEqualTo(rpps);
        ApiClient.Response taken = admin().put("/api/radiologists/" + colleague.id() + "/rpps", Map.of("rpps", rpps));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(as(radiologist).put("/api/radiologists/" + radiologist.id() + "/rpps",
                Map.of("rpps", BillingFixtures.rpps())).status()).isEqualTo(403);
        assertThat(admin().get("/api/radiologists/" + radiologist.id()).json().get("rpps").asText()).isEqualTo(rpps);
    }

    private String rppsWithWrongCheckDigit() {
        char last = rpps.charAt(10);
        return rpps.substring(0, 10) + (char) ('0' + (last - '0' + 1) % 10);
    }
}
