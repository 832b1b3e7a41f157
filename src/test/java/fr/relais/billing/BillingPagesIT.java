package fr.relais.billing;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The billing page in French: subscriptions typed in euros, invoices issued and downloaded; and who may see it. */
class BillingPagesIT extends BaseIntegrationTest {

    @Autowired
    Sealer sealer;


    private Browser loggedIn(TestAccount account) {
        return browser().loggedInAs(account.username(), account.password());
    }

    @Test
    void theBillingTeamSetsASubscriptionIssuesTheInvoiceAndDownloadsIt() {
        String name = unique("CH Page Facture");
        long hospital = BillingFixtures.hospital(admin(), name, uniqueFiness(), "Europe/Paris", uniqueAeTitle("PGF"));
        TestAccount clerk = createAccount(Role.BILLING, null);
        Browser browser = loggedIn(clerk);
        HttpResponse<String> page = browser.get("/billing");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Facturation</h1>", "Actes CCAM du mois", "Abonnements", "Factures",
                "Facturation</a>");

        HttpResponse<String> negative = browser.postForm("/billing/subscriptions", List.of(
                Map.entry("hospitalId", String.valueOf(hospital)), Map.entry("annualAmount", "-3"),
                Map.entry("startsOn", "2025-01-01"), Map.entry("frequency", "MONTHLY")));
        assertThat(negative.statusCode()).isEqualTo(302);
        assertThat(browser.get("/billing").body()).contains("Un montant ne peut pas être négatif.");
        assertThat(jdbc.sql("select count(*) from subscription where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).isZero();

        browser.get("/billing");
        assertThat(browser.postForm("/billing/subscriptions", List.of(
                Map.entry("hospitalId", String.valueOf(hospital)), Map.entry("annualAmount", "12 000,60"),
                Map.entry("startsOn", "2025-01-01"), Map.entry("frequency", "MONTHLY"),
                Map.entry("perExamFee", "15"))).statusCode()).isEqualTo(302);
        assertThat(browser.get("/billing").body()).contains("Abonnement de « " + name + " » enregistré.", "12 000,60 €", "15,00 €");
        assertThat(jdbc.sql("select annual_amount_cents from subscription where hospital_id = :h").param("h", hospital)
                .query(Long.class).single()).isEqualTo(1_200_060);

        YearMonth past = YearMonth.now(ZoneId.of("Europe/Paris")).minusMonths(3);
        browser.postForm("/billing/invoices", List.of(Map.entry("hospitalId", String.valueOf(hospital)), Map.entry("month", past.toString())));
        String number = jdbc.sql("select number from invoice where hospital_id = :h").param("h", hospital).query(String.class).single();
        HttpResponse<String> listed = browser.get("/billing");
        assertThat(listed.body()).contains("Facture " + number + " émise.", number, "1 000,05 €");
        browser.postForm("/billing/invoices", List.of(Map.entry("hospitalId", String.valueOf(hospital)), Map.entry("month", past.toString())));
        assertThat(browser.get("/billing").body()).contains("La facture " + number + " avait déjà été émise");
        long id = jdbc.sql("select id from invoice where number = :n").param("n", number).query(Long.class).single();
        HttpResponse<String> pdf = browser.get("/billing/invoices/" + id + ".pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.body()).startsWith("%PDF-");
        HttpResponse<String> csv = browser.get("/billing/acts.csv?month=" + past);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).startsWith("\uFEFFacte;date;heure");
    }

    @Test
    void radiologistsSeeTheirOwnStatementAndNobodyElseSeesBilling() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        long hospital = createHospital(unique("CH Pages"), uniqueAeTitle("PGS"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        Browser r = loggedIn(radiologist);
        HttpResponse<String> mine = r.get("/billing/statement");
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(mine.body()).contains("Mon relevé de production", "Total : 0 examen(s)", "RPPS non renseigné", "Mon relevé</a>")
                .doesNotContain("id=\"statement-modifiers\"");
        // One act read at 22:00 on a Wednesday of the month before (between the 16th and the 22nd: never a
        // public holiday): a U, shown on last month's statement.
        YearMonth before = YearMonth.now(ZoneId.of("Europe/Paris")).minusMonths(1);
        java.time.LocalDate wednesday = before.atDay(16)
                .with(java.time.temporal.TemporalAdjusters.nextOrSame(java.time.DayOfWeek.WEDNESDAY));
        new BillingFixtures(jdbc, sealer).signedInThePast(hospital, physician.id(), radiologist.id(),
                wednesday.atTime(22, 0).atZone(ZoneId.of("Europe/Paris")).toInstant(), "REPORTED");
        assertThat(r.get("/billing/statement?month=" + before).body()).contains("id=\"statement-modifiers\"",
                "modificateur U : 1", "modificateur F : 0", "sans modificateur : 0");
        assertThat(r.get("/billing").statusCode()).isEqualTo(403);
        assertThat(r.get("/billing/statement?month=2026-13").statusCode()).isEqualTo(302);
        assertThat(loggedIn(coordinator).get("/billing").statusCode()).isEqualTo(403);
        assertThat(loggedIn(physician).get("/billing").statusCode()).isEqualTo(403);
        assertThat(loggedIn(physician).get("/billing/statement").statusCode()).isEqualTo(403);
        assertThat(loggedIn(physician).get("/billing/acts.csv?month=2026-10").statusCode()).isEqualTo(403);
        assertThat(browser().loggedInAs("admin", ADMIN_PASSWORD).get("/billing").statusCode()).isEqualTo(200);
        assertThat(browser().get("/billing").statusCode()).isEqualTo(302);
    }
}
