package fr.relais.hospital;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HospitalAdminPagesIT extends BaseIntegrationTest {

    private Browser adminBrowser() {
        return browser().loggedInAs("admin", ADMIN_PASSWORD);
    }

    private static List<Map.Entry<String, String>> form(String name, String finess, String... aeTitles) {
        List<Map.Entry<String, String>> fields = new java.util.ArrayList<>(List.of(
                Map.entry("name", name), Map.entry("finess", finess),
                Map.entry("timeZone", "Europe/Paris"), Map.entry("retentionDays", "90")));
        for (String title : aeTitles) {
            fields.add(Map.entry("aeTitles", title));
        }
        return fields;
    }

    @Test
    void adminPagesRenderInFrench() {
        Browser browser = adminBrowser();

        Map<String, String> headings = Map.of(
                "/admin/hospitals", "Hôpitaux clients",
                "/admin/hospitals/new", "Nouvel hôpital",
                "/admin/centers", "Centres de garde",
                "/admin/centers/new", "Nouveau centre",
                "/admin/exam-types", "Catalogue d’examens",
                "/admin/exam-types/CT_HEAD/edit", "Modifier l’examen",
                "/admin/users", "Comptes",
                "/admin/users/new", "Nouveau compte");
        headings.forEach((path, heading) -> {
            HttpResponse<String> page = browser.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains("<h1>" + heading + "</h1>", "Se déconnecter", "/css/relais.css");
        });
        assertThat(browser.get("/admin/exam-types").body()).contains("ACQK001", "Scanner cérébral sans injection");
    }

    @Test
    void formPostCreatesAHospital() {
        Browser browser = adminBrowser();
        browser.get("/admin/hospitals/new");
        String name = unique("CH Mont-de-Marsan");
        String ct = uniqueAeTitle("MDM_CT");
        String mr = uniqueAeTitle("MDM_MR");

        HttpResponse<String> post = browser.postForm("/admin/hospitals", form(name, "400099999", ct, mr.toLowerCase(), ""));

        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(post.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/hospitals"));
        HttpResponse<String> list = browser.get("/admin/hospitals");
        assertThat(list.body()).contains(name, ct, mr, "Hôpital « " + name + " » enregistré.");
        assertThat(jdbc.sql("""
                select count(*) from hospital_ae_title a join hospital h on h.id = a.hospital_id
                where h.name = :name and h.finess = '400099999'""")
                .param("name", name).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void formPostWithErrorsShowsThemAndStoresNothing() {
        Browser browser = adminBrowser();
        browser.get("/admin/hospitals/new");
        String name = unique("CH Erreurs");

        HttpResponse<String> post = browser.postForm("/admin/hospitals", form(name, "ABC", "BAD\\CT"));

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("Le formulaire contient des erreurs",
                "Le numéro FINESS doit faire 9 caractères", "barre oblique inverse", "value=\"" + name + "\"");
        assertThat(jdbc.sql("select count(*) from hospital where name = :name").param("name", name)
                .query(Long.class).single()).isZero();
    }

    @Test
    void letterInANumberFieldIsAFieldErrorNotACrash() {
        Browser browser = adminBrowser();
        browser.get("/admin/hospitals/new");
        String name = unique("CH Lettres");
        List<Map.Entry<String, String>> fields = new java.util.ArrayList<>(form(name, uniqueFiness(), uniqueAeTitle("NUM")));
        fields.removeIf(e -> e.getKey().equals("retentionDays"));
        fields.add(Map.entry("retentionDays", "quatre-vingt-dix"));

        HttpResponse<String> post = browser.postForm("/admin/hospitals", fields);

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("Nombre entier attendu.");
        assertThat(jdbc.sql("select count(*) from hospital where name = :name").param("name", name)
                .query(Long.class).single()).isZero();
    }

    @Test
    void takenAeTitleIsShownOnTheForm() {
        String holder = unique("CH Titulaire");
        String title = uniqueAeTitle("TAKEN");
        createHospital(holder, title);
        Browser browser = adminBrowser();
        browser.get("/admin/hospitals/new");

        HttpResponse<String> post = browser.postForm("/admin/hospitals", form(unique("CH Doublon"), uniqueFiness(), title));

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("Le titre AE " + title + " est déjà attribué à " + holder);
    }

    @Test
    void editFormUpdatesAHospital() {
        String name = unique("CH Edit");
        long id = createHospital(name, uniqueAeTitle("EDIT"));
        Browser browser = adminBrowser();
        HttpResponse<String> edit = browser.get("/admin/hospitals/" + id + "/edit");
        assertThat(edit.body()).contains("Modifier l’hôpital", "value=\"" + name + "\"");

        String title = uniqueAeTitle("EDITED");
        HttpResponse<String> post = browser.postForm("/admin/hospitals/" + id, form(name + " bis", uniqueFiness(), title));

        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(admin().get("/api/hospitals/" + id).json().get("aeTitles").get(0).asText()).isEqualTo(title);
    }

    @Test
    void formPostWithoutTheCsrfTokenIsRefused() {
        Browser browser = adminBrowser();
        String name = unique("CH Sans Jeton");

        HttpResponse<String> post = browser.postRaw("/admin/hospitals", form(name, uniqueFiness(), uniqueAeTitle("CSRF")));

        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from hospital where name = :name").param("name", name)
                .query(Long.class).single()).isZero();
    }

    @Test
    void unknownHospitalPageIsA404Page() {
        HttpResponse<String> page = adminBrowser().get("/admin/hospitals/987654/edit");

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Cette page n’existe pas.");
    }

    @Test
    void theAdminMenuIsGroupedBySubject() {
        String page = adminBrowser().get("/admin/hospitals").body();
        Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        groups.put("Établissements", List.of("/admin/hospitals", "/admin/exam-types"));
        groups.put("Lecture et équipes", List.of("/admin/centers", "/admin/radiologists", "/shifts", "/admin/ai"));
        groups.put("Coordination", List.of("/coordination/dashboard", "/coordination/worklist", "/coordination/unmatched"));
        groups.put("Diffusion", List.of("/admin/destinations", "/coordination/deliveries"));
        groups.put("Sécurité et traçabilité", List.of("/admin/users", "/admin/tokens", "/admin/audit"));
        groups.forEach((title, links) -> {
            int start = page.indexOf(">" + title + "</summary>");
            assertThat(start).as(title).isPositive();
            String group = page.substring(start, page.indexOf("</details>", start));
            links.forEach(link -> assertThat(group).as(title).contains("href=\"" + link + "\""));
        });
        // The page's own group is marked, and its link is the current page.
        assertThat(page).containsPattern("<summary class=\"current\">Établissements</summary>")
                .contains("href=\"/admin/hospitals\" aria-current=\"page\"");
        assertThat(page).contains("href=\"/admin/storage\"", "href=\"/billing\"");

        // Other roles keep their few links at hand, without groups.
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String theirs = browser().loggedInAs(coordinator.username(), coordinator.password()).get("/").body();
        assertThat(theirs).doesNotContain("<summary").contains("href=\"/coordination/dashboard\"");
    }

    @Test
    void adminPagesAreForAdministratorsOnly() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = browser().loggedInAs(coordinator.username(), coordinator.password());

        HttpResponse<String> page = browser.get("/admin/hospitals");

        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Votre rôle ne permet pas d’accéder à cette page.");
        assertThat(browser.get("/").body()).doesNotContain("/admin/hospitals");
    }

    @Test
    void adminCreatesAnAccountThroughTheForm() {
        long hospitalId = createHospital(unique("CH Form Compte"), uniqueAeTitle("ACCT"));
        Browser browser = adminBrowser();
        browser.get("/admin/users/new");

        HttpResponse<String> post = browser.postForm("/admin/users", List.of(
                Map.entry("username", "manip.form"), Map.entry("displayName", "Manip Formulaire"),
                Map.entry("role", "HOSPITAL_TECHNOLOGIST"), Map.entry("hospitalId", String.valueOf(hospitalId)),
                Map.entry("password", "form-password-123")));

        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(browser.get("/admin/users").body()).contains("manip.form", "Compte manip.form créé.");
        browser().loggedInAs("manip.form", "form-password-123");
    }

    @Test
    void theFormRegistersCertificatesAndNetworksAndShowsWhatIsWrongWithThem() {
        Browser browser = adminBrowser();
        assertThat(browser.get("/admin/hospitals/new").body()).contains("Identité sur le réseau",
                "empreintes SHA-256", "Réseaux d’origine autorisés", "name=\"networks\"");
        String name = unique("CH Réseau");
        String ae = uniqueAeTitle("NET_FORM");
        String subject = "CN=ct." + ae.toLowerCase() + ".example,O=CH Reseau,C=FR";

        List<Map.Entry<String, String>> bad = form(name, uniqueFiness(), ae, "");
        bad.addAll(List.of(Map.entry("networks", "10.12.0.0/16"), Map.entry("networks", "10.12.0.300/32"),
                Map.entry("certificateFingerprints", "12:34"), Map.entry("certificateFingerprints", ""),
                Map.entry("certificateSubjects", subject), Map.entry("certificateSubjects", "")));
        HttpResponse<String> refused = browser.postForm("/admin/hospitals", bad);
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("Le formulaire contient des erreurs", "« 10.12.0.300/32 » n’est pas un réseau",
                "« 12:34 » n’est pas une empreinte SHA-256", "value=\"" + subject + "\"");
        assertThat(jdbc.sql("select count(*) from hospital where name = :name").param("name", name)
                .query(Long.class).single()).isZero();

        // One subject with its commas, one network: kept as typed (the subject is not split at its commas).
        List<Map.Entry<String, String>> good = form(name, uniqueFiness(), ae, "");
        good.addAll(List.of(Map.entry("networks", "10.12.0.0/16"), Map.entry("networks", ""),
                Map.entry("certificateFingerprints", ""), Map.entry("certificateFingerprints", ""),
                Map.entry("certificateSubjects", subject), Map.entry("certificateSubjects", "")));
        assertThat(browser.postForm("/admin/hospitals", good).statusCode()).isEqualTo(302);
        long id = jdbc.sql("select id from hospital where name = :name").param("name", name).query(Long.class).single();
        assertThat(jdbc.sql("select subject from hospital_certificate_subject where hospital_id = :id").param("id", id)
                .query(String.class).list()).containsExactly(subject);
        assertThat(jdbc.sql("select network::text from hospital_network where hospital_id = :id").param("id", id)
                .query(String.class).list()).containsExactly("10.12.0.0/16");
        assertThat(browser.get("/admin/hospitals/" + id + "/edit").body()).contains("value=\"10.12.0.0/16\"", subject);
    }

    @Test
    void theFormRegistersTheHospitalsPacsAndShowsWhatIsWrongWithIt() {
        Browser browser = adminBrowser();
        assertThat(browser.get("/admin/hospitals/new").body()).contains("PACS de l’hôpital (antériorités)",
                "name=\"pacs.aeTitle\"", "Même région anatomique que l’examen demandé");
        String name = unique("CH PACS formulaire");
        String ae = uniqueAeTitle("PF_CT");
        String pacs = uniqueAeTitle("PF_PACS");

        // A PACS without its port, and the scanner's own AE title as the PACS's.
        List<Map.Entry<String, String>> bad = form(name, uniqueFiness(), ae, "");
        bad.addAll(List.of(Map.entry("pacs.aeTitle", pacs), Map.entry("pacs.host", "pacs.example"),
                Map.entry("pacs.port", ""), Map.entry("pacs.maxPriors", "3"), Map.entry("pacs.maxYears", "5"),
                Map.entry("pacs.relevance", "BODY_REGION")));
        HttpResponse<String> refused = browser.postForm("/admin/hospitals", bad);
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("Le PACS a besoin de son titre AE, de son adresse et de son port.");
        List<Map.Entry<String, String>> scanner = form(name, uniqueFiness(), ae, "");
        scanner.addAll(List.of(Map.entry("pacs.aeTitle", ae), Map.entry("pacs.host", "pacs.example"),
                Map.entry("pacs.port", "104"), Map.entry("pacs.relevance", "ANY")));
        assertThat(browser.postForm("/admin/hospitals", scanner).body())
                .contains("Le titre AE " + ae + " est celui d’une modalité : le PACS a besoin du sien.");
        assertThat(jdbc.sql("select count(*) from hospital where name = :name").param("name", name)
                .query(Long.class).single()).isZero();

        List<Map.Entry<String, String>> good = form(name, uniqueFiness(), ae, "");
        good.addAll(List.of(Map.entry("pacs.aeTitle", pacs), Map.entry("pacs.host", "pacs.example"),
                Map.entry("pacs.port", "104"), Map.entry("pacs.maxPriors", "2"), Map.entry("pacs.maxYears", "8"),
                Map.entry("pacs.relevance", "ANY")));
        assertThat(browser.postForm("/admin/hospitals", good).statusCode()).isEqualTo(302);
        long id = jdbc.sql("select id from hospital where name = :name").param("name", name).query(Long.class).single();
        assertThat(jdbc.sql("select ae_title || '@' || host || ':' || port || ' ' || max_priors || '/' || max_years || ' '"
                + " || relevance from hospital_pacs where hospital_id = :id").param("id", id).query(String.class).single())
                .isEqualTo(pacs + "@pacs.example:104 2/8 ANY");
        assertThat(browser.get("/admin/hospitals/" + id + "/edit").body()).contains("value=\"" + pacs + "\"",
                "value=\"pacs.example\"");

        // Emptied on the form: the hospital has no PACS any more.
        List<Map.Entry<String, String>> none = form(name, uniqueFiness(), ae, "");
        none.addAll(List.of(Map.entry("pacs.aeTitle", ""), Map.entry("pacs.host", ""), Map.entry("pacs.port", ""),
                Map.entry("pacs.maxPriors", "3"), Map.entry("pacs.maxYears", "5"), Map.entry("pacs.relevance", "BODY_REGION")));
        assertThat(browser.postForm("/admin/hospitals/" + id, none).statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("select count(*) from hospital_pacs where hospital_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
    }
}
