package fr.relais.security;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.audit.RefusedAttempts;
import fr.relais.support.FromAddress;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed logins slow down and shut out the place they come from, not the account: clients at
 * several loopback addresses (127.0.0.0/8) play the attacker and the radiologist on call elsewhere.
 */
class LoginThrottleIT extends BaseIntegrationTest {

    private static final AtomicInteger HOSTS = new AtomicInteger(10);

    @Autowired
    RefusedAttempts refusals;

    /** A loopback address no other test uses. */
    private static String host() {
        int n = HOSTS.incrementAndGet();
        return "127.0." + (n / 250 + 10) + "." + (n % 250 + 2);
    }

    private FromAddress from(String host) {
        return FromAddress.http(host, port);
    }

    private static Map<String, String> basic(String username, String password) {
        return Map.of("Authorization", ApiClient.basic(username, password));
    }

    private void failures(String username, String source, int count, String ago) {
        jdbc.sql("""
                        insert into login_failure (username, source, kind, at)
                        select :u, :s, 'PASSWORD', now() - cast(:ago as interval) from generate_series(1, :n)""")
                .param("u", username).param("s", source).param("ago", ago).param("n", count).update();
    }

    /** The sources the administrators' list shows shut out of this name. */
    private List<String> blockedSources(String username) {
        List<String> sources = new java.util.ArrayList<>();
        for (JsonNode target : admin().get("/api/users/login-failures").json()) {
            if (target.get("username").asText().equals(username)) {
                target.get("blockedSources").forEach(b -> sources.add(b.asText()));
            }
        }
        return sources;
    }

    private long auditRows(String source, String action) {
        return jdbc.sql("select count(*) from audit_event where source = :s and action = :a")
                .param("s", source).param("a", action).query(Long.class).single();
    }

    @Test
    void wrongPasswordsSlowDownTheirSourceButNotTheSameAccountElsewhere() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        String attacker = host();
        for (int i = 0; i < 3; i++) {
            assertThat(from(attacker).get("/api/presence/me", basic(radiologist.username(), "guess-" + i)).status())
                    .isEqualTo(401);
        }
        // The fourth attempt waits, whatever the password: nothing is checked during the wait.
        FromAddress.Response waiting = from(attacker).get("/api/presence/me", basic(radiologist.username(), radiologist.password()));
        assertThat(waiting.status()).isEqualTo(429);
        assertThat(Integer.parseInt(waiting.header("Retry-After"))).isBetween(1, 2);
        assertThat(waiting.header("Content-Type")).contains("application/problem+json");
        // The radiologist at the reading center is not slowed down, nor is the page login from there.
        String readingCenter = host();
        assertThat(from(readingCenter).get("/api/presence/me", basic(radiologist.username(), radiologist.password())).status())
                .isNotIn(401, 429);
        // Any spelling of the name is the same name for the count.
        assertThat(from(attacker).get("/api/presence/me", basic(" " + radiologist.username().toUpperCase(), "x")).status())
                .isEqualTo(429);
        // Each wrong password of a real account is in the audit trail on its own.
        assertThat(jdbc.sql("select count(*) from audit_event where actor = :u and action = 'LOGIN' and outcome = 'REJECTED' and source = :s")
                .param("u", radiologist.username()).param("s", attacker).query(Long.class).single()).isEqualTo(3);
    }

    @Test
    void theLoginPageSaysHowLongToWaitAndTheCodePageToo() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        // Six failures just now from this machine: the next attempt waits 8 s.
        failures(coordinator.username(), "127.0.0.1", 6, "0 seconds");
        java.net.http.HttpResponse<String> refused = browser().login(coordinator.username(), coordinator.password());
        String location = refused.headers().firstValue("Location").orElse("");
        assertThat(location).matches(".*/login\\?wait=[0-9]+");
        assertThat(Integer.parseInt(location.replaceAll(".*wait=", ""))).isBetween(1, 8);
        assertThat(browser().get("/login?wait=7").body()).contains("réessayez dans 7 s");
        assertThat(browser().get("/login?wait=abc").statusCode()).isEqualTo(200);
        assertThat(browser().get("/login?blocked").body()).contains("refusée depuis votre poste");
        assertThat(anonymous().language("en").get("/login?blocked").body()).contains("refused from your computer");
        jdbc.sql("delete from login_failure where username = :u").param("u", coordinator.username()).update();
        browser().loggedInAs(coordinator.username(), coordinator.password());
    }

    @Test
    void aSourceThatKeepsFailingIsShutOutOfTheAccountUntilTheWindowHasPassed() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String attacker = host();
        failures(coordinator.username(), attacker, 10, "2 minutes");
        FromAddress.Response shut = from(attacker).get("/api/hospitals", basic(coordinator.username(), coordinator.password()));
        assertThat(shut.status()).isEqualTo(429);
        assertThat(shut.body()).contains("refusée depuis cette adresse");
        assertThat(Long.parseLong(shut.header("Retry-After"))).isBetween(12 * 60L, 13 * 60L);
        assertThat(from(host()).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
        // Administrators see that source shut out of the account.
        assertThat(blockedSources(coordinator.username())).containsExactly(attacker);
        // Fifteen minutes after its last failure, the source is let in again.
        jdbc.sql("update login_failure set at = at - interval '14 minutes' where username = :u and source = :s")
                .param("u", coordinator.username()).param("s", attacker).update();
        assertThat(from(attacker).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
    }

    @Test
    void aSuccessForgetsTheFailuresOfItsSourceOnly() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String office = host();
        String elsewhere = host();
        failures(coordinator.username(), elsewhere, 2, "1 minute");
        for (int i = 0; i < 2; i++) {
            assertThat(from(office).get("/api/hospitals", basic(coordinator.username(), "typo-" + i)).status()).isEqualTo(401);
        }
        assertThat(from(office).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("select source from login_failure where username = :u")
                .param("u", coordinator.username()).query(String.class).list()).containsOnly(elsewhere);
    }

    @Test
    void aSourceSprayingManyAccountsIsShutOutOfAllOfThem() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String sprayer = host();
        for (int i = 0; i < 30; i++) {
            failures("sprayed-" + i, sprayer, 1, "1 minute");
        }
        assertThat(from(sprayer).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(429);
        assertThat(blockedSources("sprayed-7")).containsExactly(sprayer);
        assertThat(from(host()).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
    }

    @Test
    void guessingFromSeveralSourcesLocksTheAccountForEveryoneUntilAnAdministratorLiftsIt() throws Exception {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String[] botnet = {host(), host(), host()};
        failures(coordinator.username(), botnet[0], 7, "30 minutes");
        failures(coordinator.username(), botnet[1], 7, "20 minutes");
        failures(coordinator.username(), botnet[2], 5, "10 minutes");
        // Nineteen failures from three places: not yet proof. The twentieth is.
        assertThat(from(host()).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
        assertThat(from(botnet[2]).get("/api/hospitals", basic(coordinator.username(), "guess")).status()).isEqualTo(401);
        FromAddress.Response locked = from(host()).get("/api/hospitals", basic(coordinator.username(), coordinator.password()));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'ACCOUNT_LOCKED' and object = :o")
                .param("o", "user:" + coordinator.id()).query(Long.class).single()).isEqualTo(1);

        // Administrators see who is being guessed at, from how many places, and the lock.
        JsonNode targets = admin().get("/api/users/login-failures").json();
        JsonNode target = null;
        for (JsonNode t : targets) {
            if (t.get("username").asText().equals(coordinator.username())) {
                target = t;
            }
        }
        assertThat(target).isNotNull();
        assertThat(target.get("failures").asInt()).isEqualTo(20);
        assertThat(target.get("sources").asInt()).isEqualTo(3);
        assertThat(target.get("lockedUntil").isNull()).isFalse();
        assertThat(target.get("lockedReason").asText()).contains("20 failed logins from 3 sources");
        assertThat(browser().loggedInAs("admin", ADMIN_PASSWORD).get("/admin/users").body())
                .contains("Échecs de connexion de la dernière heure", coordinator.username(), "Déverrouiller");
        // Nobody else may look.
        assertThat(as(coordinator).get("/api/users/login-failures").status()).isIn(403, 429);

        assertThat(admin().delete("/api/users/" + coordinator.id() + "/lock").status()).isEqualTo(204);
        assertThat(from(host()).get("/api/hospitals", basic(coordinator.username(), coordinator.password())).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'ACCOUNT_UNLOCKED' and object = :o")
                .param("o", "user:" + coordinator.id()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aFloodOfBadTokensLeavesABoundedNumberOfAuditEntries() {
        String flooder = host();
        refusals.flush();
        for (int i = 0; i < 300; i++) {
            assertThat(from(flooder).get("/api/requests", Map.of("Authorization", "Bearer rlt_forged" + i)).status())
                    .isEqualTo(401);
        }
        refusals.flush();
        assertThat(auditRows(flooder, "LOGIN")).isEqualTo(2);
        assertThat(jdbc.sql("select detail from audit_event where source = :s and action = 'LOGIN' order by id desc limit 1")
                .param("s", flooder).query(String.class).single()).startsWith("299 more refused since");
    }

    @Test
    void aFloodOfNamesThatAreNoAccountIsCountedButEveryWrongPasswordOfARealAccountIsRecorded() {
        String sprayer = host();
        refusals.flush();
        for (int i = 0; i < 40; i++) {
            assertThat(from(sprayer).get("/api/hospitals", basic("nobody-" + i, "guess")).status()).isIn(401, 429);
        }
        refusals.flush();
        // Wrong names (counted) and, past thirty, attempts refused before checking (counted too).
        assertThat(auditRows(sprayer, "LOGIN") + auditRows(sprayer, "LOGIN_THROTTLED")).isBetween(2L, 4L);
        assertThat(jdbc.sql("select count(*) from login_failure where source = :s").param("s", sprayer)
                .query(Long.class).single()).isEqualTo(30);
    }

    @Test
    void anEndedTokenIsRecordedWithTheSystemItBelongedTo() throws Exception {
        long hospital = createHospital(unique("CH Jeton"), uniqueAeTitle("TOK"));
        JsonNode created = admin().post("/api/tokens", Map.of("hospitalId", hospital, "role", "HOSPITAL_PHYSICIAN",
                "name", "RIS")).json();
        String secret = created.get("secret").asText();
        long id = created.get("token").get("id").asLong();
        assertThat(admin().post("/api/tokens/" + id + "/revoke", Map.of()).status()).isEqualTo(200);
        String source = host();
        for (int i = 0; i < 3; i++) {
            assertThat(from(source).get("/api/requests", Map.of("Authorization", "Bearer " + secret)).status()).isEqualTo(401);
        }
        assertThat(jdbc.sql("select count(*) from audit_event where source = :s and object = :o and detail = 'revoked token'")
                .param("s", source).param("o", "api-token:" + id).query(Long.class).single()).isEqualTo(3);
    }
}
