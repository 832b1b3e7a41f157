package fr.relais.roster;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RosterPagesIT extends BaseIntegrationTest {

    private Browser loggedIn(TestAccount account) {
        return browser().loggedInAs(account.username(), account.password());
    }

    private long createCenter(String name, int seats) {
        return RosterFixtures.createCenter(admin(), name, seats);
    }

    @Test
    void eachRoleSeesItsOwnRosterPageAndNoOther() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        TestAccount billing = createAccount(Role.BILLING, null);
        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        Browser radiologistBrowser = loggedIn(radiologist);
        Browser coordinatorBrowser = loggedIn(coordinator);
        Browser billingBrowser = loggedIn(billing);

        HttpResponse<String> presence = radiologistBrowser.get("/presence");
        assertThat(presence.statusCode()).isEqualTo(200);
        assertThat(presence.body()).contains("<h1>Ma présence</h1>", "Prendre mon poste", "Ma présence</a>");
        HttpResponse<String> board = coordinatorBrowser.get("/coordination/presence");
        assertThat(board.statusCode()).isEqualTo(200);
        assertThat(board.body()).contains("<h1>Présences dans les centres</h1>", "Présences</a>");
        assertThat(admin.get("/coordination/presence").statusCode()).isEqualTo(200);
        HttpResponse<String> list = admin.get("/admin/radiologists");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("<h1>Radiologues</h1>", radiologist.username(), "Radiologues</a>")
                .doesNotContain(coordinator.username());
        assertThat(admin.get("/admin/radiologists/" + radiologist.id() + "/edit").statusCode()).isEqualTo(200);

        assertThat(radiologistBrowser.get("/coordination/presence").statusCode()).isEqualTo(403);
        assertThat(radiologistBrowser.get("/admin/radiologists").statusCode()).isEqualTo(403);
        assertThat(coordinatorBrowser.get("/presence").statusCode()).isEqualTo(403);
        assertThat(coordinatorBrowser.get("/admin/radiologists").statusCode()).isEqualTo(403);
        assertThat(admin.get("/presence").statusCode()).isEqualTo(403);
        assertThat(billingBrowser.get("/presence").statusCode()).isEqualTo(403);
        assertThat(billingBrowser.get("/coordination/presence").statusCode()).isEqualTo(403);
        assertThat(browser().get("/presence").statusCode()).isEqualTo(302);
    }

    @Test
    void radiologistTakesASeatThroughThePageAndTheCoordinatorSeesIt() {
        String centerName = unique("Centre de garde Angoulême");
        long center = createCenter(centerName, 2);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = loggedIn(radiologist);
        HttpResponse<String> page = browser.get("/presence");
        assertThat(page.body()).contains(centerName, "Postes occupés : 0 / 2");

        HttpResponse<String> in = browser.postForm("/presence/check-in",
                List.of(Map.entry("centerId", String.valueOf(center)), Map.entry("shiftEndsAt", "")));

        assertThat(in.statusCode()).isEqualTo(302);
        HttpResponse<String> after = browser.get("/presence");
        assertThat(after.body()).contains("Vous êtes en poste au " + centerName, "Quitter mon poste");
        HttpResponse<String> board = loggedIn(coordinator).get("/coordination/presence");
        assertThat(board.body()).contains(centerName, "Postes occupés : 1 / 2", radiologist.username());

        assertThat(browser.postForm("/presence/check-out", List.of()).statusCode()).isEqualTo(302);
        assertThat(browser.get("/presence").body()).contains("Vous avez quitté votre poste.", "Prendre mon poste");
    }

    @Test
    void theFormSaysWhenTheCenterIsFullOrTheShiftEndIsWrong() {
        String centerName = unique("Centre de garde complet");
        long center = createCenter(centerName, 1);
        TestAccount first = createAccount(Role.RADIOLOGIST, null);
        TestAccount second = createAccount(Role.RADIOLOGIST, null);
        assertThat(as(first).post("/api/presence/check-in", Map.of("centerId", center)).status()).isEqualTo(201);
        Browser browser = loggedIn(second);
        assertThat(browser.get("/presence").body()).contains("Postes occupés : 1 / 1", "complet");

        browser.postForm("/presence/check-in", List.of(Map.entry("centerId", String.valueOf(center)),
                Map.entry("shiftEndsAt", "")));
        assertThat(browser.get("/presence").body()).contains("Le centre " + centerName + " est complet (1 postes).");

        browser.postForm("/presence/check-in", List.of(Map.entry("centerId", String.valueOf(center)),
                Map.entry("shiftEndsAt", "pas une date")));
        assertThat(browser.get("/presence").body()).contains("La fin de garde n’est pas une date et une heure valides.");
        assertThat(as(second).get("/api/presence/me").status()).isEqualTo(204);
    }

    @Test
    void adminSavesCredentialsThroughTheForm() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        String pauName = unique("CH Pau page");
        long pau = createHospital(pauName, uniqueAeTitle("PAUP"));
        long dax = createHospital(unique("CH Dax page"), uniqueAeTitle("DAXP"));
        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        HttpResponse<String> form = admin.get("/admin/radiologists/" + radiologist.id() + "/edit");
        assertThat(form.body()).contains(pauName, "Neuroradiologie", "name=\"hospitalIds\"");

        HttpResponse<String> post = admin.postForm("/admin/radiologists/" + radiologist.id(), List.of(
                Map.entry("hospitalIds", String.valueOf(pau)), Map.entry("hospitalIds", String.valueOf(dax)),
                Map.entry("subspecialties", "NEURO"), Map.entry("subspecialties", "CARDIAC")));

        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(post.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/radiologists"));
        assertThat(admin.get("/admin/radiologists").body()).contains(pauName, "Neuroradiologie, Cardiaque",
                "Habilitations de « Test Radiologist » enregistrées.");
        assertThat(jdbc.sql("select hospital_id from radiologist_hospital where user_id = :u order by hospital_id")
                .param("u", radiologist.id()).query(Long.class).list()).containsExactly(pau, dax);

        // Unticking everything clears the credentials.
        admin.get("/admin/radiologists/" + radiologist.id() + "/edit");
        assertThat(admin.postForm("/admin/radiologists/" + radiologist.id(), List.of()).statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("select count(*) from radiologist_hospital where user_id = :u")
                .param("u", radiologist.id()).query(Long.class).single()).isZero();

        // Without the CSRF token nothing is saved.
        assertThat(admin.postRaw("/admin/radiologists/" + radiologist.id(),
                List.of(Map.entry("hospitalIds", String.valueOf(pau)))).statusCode()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from radiologist_hospital where user_id = :u")
                .param("u", radiologist.id()).query(Long.class).single()).isZero();
    }
}
