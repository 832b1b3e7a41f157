package fr.relais.audit;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit page speaks the operator's language: days picked in a calendar on the reading centers'
 * clock, hospitals and users chosen by name, actions and outcomes in words; no action code, outcome
 * code or role code in the text an administrator reads.
 */
class AuditPageIT extends BaseIntegrationTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void theFiltersNameHospitalsUsersAndActionsInWordsAndDaysAreTheCentersDays() {
        String name = unique("CH Journal");
        long hospital = createHospital(name, uniqueAeTitle("JRN"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        // 23:30 in Paris on 3 March 2026 (22:30 UTC): the 3rd on the centers' clock.
        LocalDate day = LocalDate.of(2026, 3, 3);
        OffsetDateTime lateEvening = day.atTime(23, 30).atZone(PARIS).toOffsetDateTime();
        jdbc.sql("""
                insert into audit_event (at, actor, action, object, outcome, detail, role, hospital_id)
                values (:at, :actor, 'REQUEST_FILED', 'exam:1', 'SUCCESS', 'filed late', 'HOSPITAL_PHYSICIAN', :h)""")
                .param("at", lateEvening).param("actor", physician.username()).param("h", hospital).update();

        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        String page = admin.get("/admin/audit").body();
        assertThat(page).contains("<input type=\"date\" id=\"from\" name=\"from\"", "<input type=\"date\" id=\"to\" name=\"to\"")
                .contains("<option value=\"" + hospital + "\">" + name + "</option>")
                .contains("(" + physician.username() + ")</option>")
                .contains("<option value=\"REQUEST_FILED\">Demande déposée</option>")
                .contains("<option value=\"SUCCESS\">Réussi</option>");

        // The day picked is the centers' day: the entry of 23:30 in Paris is on the 3rd, not the 4th.
        String onTheDay = admin.get("/admin/audit?hospital=" + hospital + "&from=" + day + "&to=" + day).body();
        assertThat(onTheDay).contains("filed late", "03/03/2026 23:30:00", name, "Demande déposée", "Réussi",
                "Urgentiste (hôpital)");
        assertThat(admin.get("/admin/audit?hospital=" + hospital + "&from=" + day.plusDays(1)).body())
                .doesNotContain("filed late");
        assertThat(admin.get("/admin/audit?hospital=" + hospital + "&to=" + day.minusDays(1)).body())
                .doesNotContain("filed late");
        assertThat(admin.get("/admin/audit?actor=" + physician.username() + "&action=REQUEST_FILED").body())
                .contains("filed late");

        String text = visibleText(onTheDay);
        assertThat(text).doesNotContain("REQUEST_FILED", "SUCCESS", "AUDIT_SEARCHED", "hospital:");
        assertThat(visibleText(page)).doesNotContainPattern("\\b(AUDIT_SEARCHED|LOGIN|REJECTED|FAILED)\\b");

        // A day that is none says so in words, and shows nothing.
        String wrong = admin.get("/admin/audit?from=2026-02-31").body();
        assertThat(wrong).contains("La date de début est invalide : choisissez-la dans le calendrier");
        // The export carries the same filter, hospital and outcome included.
        assertThat(onTheDay).contains("/api/audit/export.csv?", "hospital=" + hospital, "from=" + day);
    }

    /** The text of a page as a reader sees it: tags, scripts and attributes removed. */
    static String visibleText(String html) {
        return html.replaceAll("(?s)<script.*?</script>", " ").replaceAll("(?s)<style.*?</style>", " ")
                .replaceAll("(?s)<[^>]*>", " ").replaceAll("\\s+", " ");
    }
}
