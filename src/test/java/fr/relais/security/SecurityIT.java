package fr.relais.security;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityIT extends BaseIntegrationTest {

    @Test
    void anonymousApiCallGetsA401ProblemWithABasicChallenge() {
        ApiClient.Response response = anonymous().get("/api/hospitals");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Relais\"");
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("detail").asText()).contains("Authentification requise");
        assertThat(problem.get("instance").asText()).isEqualTo("/api/hospitals");
    }

    @Test
    void anonymousVisitorOfTheHomePageIsSentToTheLoginPage() {
        HttpResponse<String> response = browser().get("/");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void clientWithoutAcceptHeaderIsAlsoSentToTheLoginPage() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/admin/users")).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void healthIsOpenToEveryone() {
        ApiClient.Response response = anonymous().get("/actuator/health");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void loginPageSpeaksFrenchByDefaultAndEnglishOnRequest() {
        HttpResponse<String> french = browser().get("/login");
        assertThat(french.statusCode()).isEqualTo(200);
        assertThat(french.body()).contains("lang=\"fr\"", "Connexion à Relais", "Mot de passe", "Se connecter");

        ApiClient.Response english = anonymous().language("en-GB,en;q=0.8").get("/login");
        assertThat(english.body()).contains("lang=\"en\"", "Log in to Relais", "Password");
    }

    @Test
    void wrongPasswordIsRejectedByTheFormAndByTheApi() {
        HttpResponse<String> form = browser().login("admin", "not-the-password");
        assertThat(form.statusCode()).isEqualTo(302);
        assertThat(form.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));

        assertThat(new ApiClient(port, "admin", "not-the-password").get("/api/hospitals").status()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'LOGIN' and outcome = 'REJECTED' and actor = 'admin'")
                .query(Long.class).single()).isPositive();
    }

    @Test
    void adminLogsInThroughTheFormAndSeesTheDashboard() {
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);

        HttpResponse<String> home = browser.get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Bonjour Administrateur", "Hôpitaux", "Centres de garde", "Se déconnecter");
    }

    @Test
    void logoutEndsTheSession() {
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);
        browser.get("/");

        HttpResponse<String> logout = browser.postForm("/logout", java.util.List.of());
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        assertThat(browser.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void disabledAccountCannotLogIn() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(200);

        ApiClient.Response disabled = admin().patch("/api/users/" + coordinator.id(), Map.of("enabled", false));
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();

        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(401);
        HttpResponse<String> form = browser().login(coordinator.username(), coordinator.password());
        assertThat(form.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));

        admin().patch("/api/users/" + coordinator.id(), Map.of("enabled", true));
        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(200);
    }

    @Test
    void disablingAnAccountEndsItsOpenSessions() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = browser().loggedInAs(coordinator.username(), coordinator.password());
        assertThat(browser.get("/").statusCode()).isEqualTo(200);

        admin().patch("/api/users/" + coordinator.id(), Map.of("enabled", false));

        HttpResponse<String> next = browser.get("/");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?expired"));
        assertThat(browser.get("/login?expired").body()).contains("Votre session a pris fin");
    }

    @Test
    void adminCreatesAnAccountAndItsPasswordIsNeverReturned() {
        ApiClient.Response created = admin().post("/api/users", Map.of(
                "username", "Claire.Durand", "displayName", "Claire Durand", "role", "RADIOLOGIST",
                "password", "a-long-enough-password"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).endsWith("/api/users/" + created.json().get("id").asLong());
        assertThat(created.json().get("username").asText()).isEqualTo("claire.durand");
        assertThat(created.body()).doesNotContain("a-long-enough-password").doesNotContainIgnoringCase("password");
        String list = admin().get("/api/users").body();
        assertThat(list).contains("claire.durand").doesNotContainIgnoringCase("password").doesNotContain("$2a$");
        assertThat(new ApiClient(port, "claire.durand", "a-long-enough-password").get("/api/exam-types").status())
                .isEqualTo(403);
        String hash = jdbc.sql("select password_hash from app_user where username = 'claire.durand'").query(String.class).single();
        assertThat(hash).startsWith("$2a$").doesNotContain("a-long-enough-password");
    }

    @Test
    void accountWithAShortPasswordOrAHospitalRoleWithoutHospitalIsRefused() {
        ApiClient.Response shortPassword = admin().post("/api/users", Map.of(
                "username", "short.pw", "displayName", "Short", "role", "BILLING", "password", "elevenchars"));
        assertThat(shortPassword.status()).isEqualTo(400);
        assertThat(shortPassword.json().get("errors").get(0).get("field").asText()).isEqualTo("password");

        ApiClient.Response noHospital = admin().post("/api/users", Map.of(
                "username", "no.hospital", "displayName", "Nobody", "role", "HOSPITAL_PHYSICIAN",
                "password", "a-long-enough-password"));
        assertThat(noHospital.status()).isEqualTo(400);
        assertThat(noHospital.contentType()).startsWith("application/problem+json");
        assertThat(noHospital.json().get("errors").get(0).get("field").asText()).isEqualTo("hospitalId");
        assertThat(noHospital.json().get("detail").asText()).contains("exige un hôpital");

        assertThat(jdbc.sql("select count(*) from app_user where username in ('short.pw', 'no.hospital')")
                .query(Long.class).single()).isZero();
    }

    @Test
    void takenUsernameIsAConflict() {
        ApiClient.Response response = admin().post("/api/users", Map.of(
                "username", "admin", "displayName", "Again", "role", "ADMIN", "password", "a-long-enough-password"));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("detail").asText()).contains("admin");
    }

    @Test
    void onlyAdministratorsManageAccounts() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);

        ApiClient.Response response = as(coordinator).get("/api/users");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(403);
    }

    @Test
    void adminCannotDisableTheirOwnAccount() {
        long adminId = jdbc.sql("select id from app_user where username = 'admin'").query(Long.class).single();

        ApiClient.Response response = admin().patch("/api/users/" + adminId, Map.of("enabled", false));

        assertThat(response.status()).isEqualTo(409);
        assertThat(jdbc.sql("select enabled from app_user where id = :id").param("id", adminId)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void firstAdminWasCreatedWithTheConfiguredPasswordAndAudited() {
        assertThat(admin().get("/api/users").status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'INITIAL_ADMIN_CREATED'")
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void metricsAreForAdministratorsAndApiDocsForLoggedInUsers() {
        assertThat(browser().get("/actuator/prometheus").statusCode()).isEqualTo(302);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).get("/actuator/prometheus").status()).isEqualTo(403);

        assertThat(browser().get("/v3/api-docs").statusCode()).isEqualTo(302);
        ApiClient.Response docs = as(coordinator).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/hospitals");
    }

    @Test
    void hospitalRolesAreBoundToAnExistingHospital() {
        long hospitalId = createHospital(unique("CH Comptes"), uniqueAeTitle("ACC"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospitalId);
        assertThat(admin().get("/api/users/" + physician.id()).json().get("hospitalId").asLong()).isEqualTo(hospitalId);

        ApiClient.Response unknown = admin().post("/api/users", Map.of(
                "username", "ghost.hospital", "displayName", "Ghost", "role", "HOSPITAL_TECHNOLOGIST",
                "hospitalId", 999_999, "password", "a-long-enough-password"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("hospitalId");
    }

    @Test
    void pageScriptsReachTheApiWithTheirSessionButChangeNothingWithoutTheCsrfToken() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);
        browser.get("/");

        assertThat(browser.api("GET", "/api/hospitals", null, false).statusCode()).isEqualTo(200);
        HttpResponse<String> forged = browser.api("PATCH", "/api/users/" + coordinator.id(), "{\"enabled\":false}", false);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(jdbc.sql("select enabled from app_user where id = :id").param("id", coordinator.id())
                .query(Boolean.class).single()).isTrue();

        HttpResponse<String> fromThePage = browser.api("PATCH", "/api/users/" + coordinator.id(), "{\"enabled\":false}", true);
        assertThat(fromThePage.statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select enabled from app_user where id = :id").param("id", coordinator.id())
                .query(Boolean.class).single()).isFalse();
    }

    @Test
    void anEndedSessionGetsA401FromTheApiWithoutABrowserLoginBox() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser browser = browser().loggedInAs(coordinator.username(), coordinator.password());
        assertThat(browser.api("GET", "/api/hospitals", null, false).statusCode()).isEqualTo(200);

        admin().patch("/api/users/" + coordinator.id(), Map.of("enabled", false));

        HttpResponse<String> after = browser.api("GET", "/api/hospitals", null, false);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(after.body()).contains("\"status\":401");
    }

    @Test
    void machinesNeverGetASessionFromTheApi() {
        ApiClient.Response response = admin().get("/api/hospitals");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Set-Cookie")).isNull();
    }

    @Test
    void aChangedPasswordIsNoLongerAcceptedEvenRightAfterUse() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(200);

        jdbc.sql("update app_user set password_hash = :hash where id = :id")
                .param("hash", new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder().encode("another-password-1234"))
                .param("id", coordinator.id()).update();

        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(401);
        assertThat(new ApiClient(port, coordinator.username(), "another-password-1234").get("/api/hospitals").status())
                .isEqualTo(200);
    }
}
