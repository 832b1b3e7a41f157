package fr.relais.billing;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Subscriptions and invoices over the API: amounts in cents, numbers without gaps, issuing twice gives one invoice. */
class InvoiceIT extends BaseIntegrationTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Autowired
    Sealer sealer;

    @Autowired
    Invoices invoices;

    private BillingFixtures fixtures;
    private TestAccount clerk;
    private YearMonth past;

    @BeforeEach
    void setUp() {
        fixtures = new BillingFixtures(jdbc, sealer);
        clerk = createAccount(Role.BILLING, null);
        past = YearMonth.now(PARIS).minusMonths(2);
    }

    private long hospital() {
        return BillingFixtures.hospital(admin(), unique("CH Facturé"), uniqueFiness(), "Europe/Paris", uniqueAeTitle("FAC"));
    }

    private static Map<String, Object> subscription(Object annual, String start, String frequency, Object perExam) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("annualAmountCents", annual);
        body.put("startsOn", start);
        body.put("frequency", frequency);
        body.put("perExamFeeCents", perExam);
        return body;
    }

    private ApiClient.Response subscribe(long hospital, Map<String, Object> body) {
        return as(clerk).put("/api/billing/subscriptions/" + hospital, body);
    }

    private ApiClient.Response issue(long hospital, String month) {
        return as(clerk).post("/api/billing/invoices", Map.of("hospitalId", hospital, "month", month));
    }

    private static int sequence(String number) {
        return Integer.parseInt(number.substring(number.lastIndexOf('-') + 1));
    }

    @Test
    void aMonthlyInvoiceBillsTheSubscriptionShareAndTheExamsOfThePeriodOnce() throws IOException {
        long hospital = hospital();
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        assertThat(subscribe(hospital, subscription(1_200_000, "2025-01-01", "MONTHLY", 1_500)).status()).isEqualTo(200);
        // two reports signed in the period, one the day after it: coded late, at invoicing
        Instant inPeriod = past.atDay(10).atTime(22, 30).atZone(PARIS).toInstant();
        fixtures.signedInThePast(hospital, physician.id(), radiologist.id(), inPeriod, "REPORTED");
        fixtures.signedInThePast(hospital, physician.id(), radiologist.id(), inPeriod.plusSeconds(3600), "DELIVERED");
        fixtures.signedInThePast(hospital, physician.id(), radiologist.id(),
                past.plusMonths(1).atDay(1).atTime(0, 30).atZone(PARIS).toInstant(), "REPORTED");

        ApiClient.Response issued = issue(hospital, past.toString());
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String number = issued.json().get("number").asText();
        assertThat(number).matches("F-\\d{4}-\\d{6}");
        assertThat(issued.json().get("periodStart").asText()).isEqualTo(past.atDay(1).toString());
        assertThat(issued.json().get("periodEnd").asText()).isEqualTo(past.plusMonths(1).atDay(1).toString());
        assertThat(issued.json().get("subscriptionCents").asLong()).isEqualTo(100_000);
        assertThat(issued.json().get("examCount").asInt()).isEqualTo(2);
        assertThat(issued.json().get("examsCents").asLong()).isEqualTo(3_000);
        assertThat(issued.json().get("totalCents").asLong()).isEqualTo(103_000);
        // VAT at the standard 20 %, and 30 days to pay from the day it is issued (the hospital's day).
        assertThat(issued.json().get("vatRateBasisPoints").asInt()).isEqualTo(2000);
        assertThat(issued.json().get("vatCents").asLong()).isEqualTo(20_600);
        assertThat(issued.json().get("totalWithVatCents").asLong()).isEqualTo(123_600);
        assertThat(java.time.LocalDate.parse(issued.json().get("dueOn").asText()))
                .isEqualTo(java.time.LocalDate.now(PARIS).plusDays(30));

        ApiClient.Response again = issue(hospital, past.toString());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("number").asText()).isEqualTo(number);
        assertThat(jdbc.sql("select count(*) from invoice where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).isEqualTo(1);

        long id = issued.json().get("id").asLong();
        ApiClient.Response pdf = as(clerk).get("/api/billing/invoices/" + id + ".pdf");
        assertThat(pdf.status()).isEqualTo(200);
        assertThat(pdf.contentType()).isEqualTo("application/pdf");
        assertThat(pdf.header("Content-Disposition")).contains("facture-" + number + ".pdf");
        try (PDDocument document = Loader.loadPDF(invoices.pdf(id))) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains("Facture " + number, "Abonnement logiciel", "1 000,00 €", "30,00 €",
                    "Total hors taxes : 1 030,00 €", "TVA 20 % : 206,00 €", "Total TTC : 1 236,00 €", "À régler au plus tard le");
        }
        assertThat(as(clerk).get("/api/billing/invoices").body()).contains(number);
        assertThat(as(physician).get("/api/billing/invoices/" + id + ".pdf").status()).isEqualTo(403);
    }

    @Test
    void invoicesIssuedAtOnceAreNumberedWithoutGapsOrTwins() throws Exception {
        List<Long> hospitals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long h = hospital();
            assertThat(subscribe(h, subscription(240_000, "2025-01-01", "MONTHLY", null)).status()).isEqualTo(200);
            hospitals.add(h);
        }
        // an invalid order in the middle rolls back without taking a number
        long withoutSubscription = hospital();
        List<Callable<ApiClient.Response>> orders = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (long h : hospitals) {
                orders.add(() -> issue(h, past.toString()));
            }
            orders.add(() -> issue(withoutSubscription, past.toString()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<ApiClient.Response> responses = new ArrayList<>();
        try {
            for (Future<ApiClient.Response> f : pool.invokeAll(orders)) {
                responses.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(responses.stream().filter(r -> r.status() == 201)).hasSize(4);
        assertThat(responses.stream().filter(r -> r.status() == 200)).hasSize(8);
        assertThat(responses.stream().filter(r -> r.status() == 409)).hasSize(3);
        List<Integer> numbers = jdbc.sql("select number from invoice where hospital_id in (:h) order by number")
                .param("h", hospitals).query(String.class).list().stream().map(InvoiceIT::sequence).toList();
        assertThat(numbers).hasSize(4);
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(numbers.get(0) + i);
        }
        int year = LocalDate.now(PARIS).getYear();
        assertThat(jdbc.sql("select last_number from invoice_counter where year = :y").param("y", year)
                .query(Integer.class).single()).isEqualTo(jdbc.sql(
                "select max(substring(number from 8)::int) from invoice where number like :p")
                .param("p", "F-" + year + "-%").query(Integer.class).single());
    }

    @Test
    void wrongOrdersAreProblemDetailsAndChangeNothing() {
        long hospital = hospital();
        ApiClient clerkEn = as(clerk).language("en");
        assertThat(subscribe(hospital, subscription(600_000, "2025-01-01", "QUARTERLY", 900)).status()).isEqualTo(200);
        for (Map<String, Object> wrong : List.of(
                subscription(-1, "2025-01-01", "MONTHLY", null),
                subscription(600_000, "2025-01-01", "MONTHLY", -5),
                subscription(null, "2025-01-01", "MONTHLY", null),
                subscription(600_000, null, "MONTHLY", null),
                subscription(600_000, "2025-01-01", "WEEKLY", null),
                subscription(600_000, "not a date", "MONTHLY", null))) {
            ApiClient.Response refused = clerkEn.put("/api/billing/subscriptions/" + hospital, wrong);
            assertThat(refused.status()).as(wrong.toString()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
        ApiClient.Response negative = clerkEn.put("/api/billing/subscriptions/" + hospital, subscription(-1, "2025-01-01", "MONTHLY", null));
        assertThat(negative.body()).contains("cannot be negative");
        Map<String, Object> kept = jdbc.sql("select annual_amount_cents, frequency, per_exam_fee_cents from subscription where hospital_id = :h")
                .param("h", hospital).query().singleRow();
        assertThat(kept).containsEntry("annual_amount_cents", 600_000L).containsEntry("frequency", "QUARTERLY")
                .containsEntry("per_exam_fee_cents", 900L);

        assertThat(clerkEn.put("/api/billing/subscriptions/999999999", subscription(1, "2025-01-01", "MONTHLY", null)).status())
                .isEqualTo(404);
        // a quarter starts in January, April, July, October only
        YearMonth notAQuarter = YearMonth.of(2025, 2);
        ApiClient.Response noPeriod = clerkEn.post("/api/billing/invoices", Map.of("hospitalId", hospital, "month", notAQuarter.toString()));
        assertThat(noPeriod.status()).isEqualTo(400);
        assertThat(noPeriod.json().get("detail").asText()).contains("No billing period starts in 2025-02");
        ApiClient.Response badMonth = clerkEn.post("/api/billing/invoices", Map.of("hospitalId", hospital, "month", "2025-2"));
        assertThat(badMonth.status()).isEqualTo(400);
        assertThat(badMonth.contentType()).startsWith("application/problem+json");
        // the quarter under way is not over
        YearMonth now = YearMonth.now(PARIS);
        YearMonth quarterStart = now.minusMonths((now.getMonthValue() - 1) % 3);
        ApiClient.Response early = clerkEn.post("/api/billing/invoices", Map.of("hospitalId", hospital, "month", quarterStart.toString()));
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.json().get("detail").asText()).contains("not over");
        assertThat(jdbc.sql("select count(*) from invoice where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).isZero();
    }
}
