package fr.relais.delivery;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import fr.relais.storage.ObjectStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What administrators did by API only, on pages: a report destination disabled and enabled again
 * from the destinations page (audited, its state in the database and on the page), and the objects
 * the recovery set aside listed on the storage page. Coordinators see neither.
 */
class AdminOperationsPagesIT extends BaseIntegrationTest {

    @Autowired
    ObjectStore store;

    @Test
    void anAdministratorDisablesAndEnablesADestinationFromItsPage() {
        long hospital = createHospital(unique("CH Destinations"), uniqueAeTitle("DST"));
        String label = unique("RIS des urgences");
        long id = destination(hospital, "HL7_MLLP", label, 2575, "RIS");
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);

        HttpResponse<String> page = browser.get("/admin/destinations");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(row(page.body(), id)).contains(label, "RIS (HL7)", "127.0.0.1:2575 (RIS)", "Active", "Désactiver");

        HttpResponse<String> disabled = browser.postForm("/admin/destinations/" + hospital + "/" + id + "/disable", List.of());
        assertThat(disabled.statusCode()).isEqualTo(302);
        assertThat(enabled(id)).isFalse();
        page = browser.get("/admin/destinations");
        assertThat(page.body()).contains("Destination désactivée");
        assertThat(row(page.body(), id)).contains("Désactivée", "Réactiver");
        assertThat(audited("DESTINATION_DISABLED", hospital)).isEqualTo(1);

        browser.postForm("/admin/destinations/" + hospital + "/" + id + "/enable", List.of());
        assertThat(enabled(id)).isTrue();
        assertThat(row(browser.get("/admin/destinations").body(), id)).contains("Active");
        assertThat(audited("DESTINATION_ENABLED", hospital)).isEqualTo(1);

        Browser coordinator = coordinatorBrowser();
        assertThat(coordinator.get("/admin/destinations").statusCode()).isEqualTo(403);
        assertThat(coordinator.postForm("/admin/destinations/" + hospital + "/" + id + "/disable", List.of()).statusCode())
                .isEqualTo(403);
        assertThat(enabled(id)).isTrue();
    }

    @Test
    void theConnectionTestAsksAPacsForAnEchoAndARisForAnAckAndSaysWhyWhenNothingAnswers() throws Exception {
        fr.relais.support.Dcmtk.requireDcmtk();
        long hospital = createHospital(unique("CH Connexions"), uniqueAeTitle("CNX"));
        int pacsPort = freePort();
        java.nio.file.Path received = java.nio.file.Files.createTempDirectory("storescp");
        Process storescp = new ProcessBuilder("storescp", "-aet", "HOSP_PACS", "-od", received.toString(),
                String.valueOf(pacsPort)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (FakeRis ris = new FakeRis(0)) {
            long pacs = destination(hospital, "DICOM_STORE", "PACS des urgences", pacsPort, "HOSP_PACS");
            long risDestination = destination(hospital, "HL7_MLLP", "RIS des urgences", ris.port(), "RIS");
            long dead = destination(hospital, "HL7_MLLP", "RIS éteint", freePort(), "RIS");
            Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);
            browser.get("/admin/destinations");

            fr.relais.support.Await.until("storescp listening", () -> test(browser, hospital, pacs),
                    page -> page.contains("« PACS des urgences » répond : C-ECHO en"));
            assertThat(test(browser, hospital, risDestination)).contains("« RIS des urgences » répond : ACK AA en");
            assertThat(ris.received()).as("a connection test files nothing").isEmpty();
            assertThat(test(browser, hospital, dead)).contains("« RIS éteint » ne répond pas : rien n’écoute sur 127.0.0.1:");
            try (var files = java.nio.file.Files.list(received)) {
                assertThat(files.count()).as("a C-ECHO stores nothing").isZero();
            }
            assertThat(jdbc.sql("select count(*) from audit_event where action = 'DESTINATION_TESTED' and object = :o")
                    .param("o", "hospital:" + hospital).query(Long.class).single()).isGreaterThanOrEqualTo(3);
        } finally {
            storescp.destroy();
            storescp.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Presses "Tester la connexion" and returns the page it leads back to. */
    private static String test(Browser browser, long hospital, long destination) {
        browser.postForm("/admin/destinations/" + hospital + "/" + destination + "/test", List.of());
        return browser.get("/admin/destinations").body();
    }

    private long destination(long hospital, String kind, String label, int port, String remoteName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("label", label);
        body.put("host", "127.0.0.1");
        body.put("port", port);
        body.put("remoteName", remoteName);
        fr.relais.ApiClient.Response created = admin().post("/api/hospitals/" + hospital + "/destinations", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void theStoragePageListsTheObjectsSetAside() throws Exception {
        String key = store.put(List.of(ObjectStore.Segment.of(new byte[3000]))).key();
        store.quarantine(key);
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);

        HttpResponse<String> page = browser.get("/admin/storage");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Objets mis à l’écart</h1>", key, "3 Kio");
        assertThat(coordinatorBrowser().get("/admin/storage").statusCode()).isEqualTo(403);
    }

    private Browser coordinatorBrowser() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        return browser().loggedInAs(coordinator.username(), coordinator.password());
    }

    /** The table row of one destination. */
    private static String row(String page, long id) {
        int start = page.indexOf("data-destination-id=\"" + id + "\"");
        assertThat(start).as("row of destination " + id).isPositive();
        return page.substring(start, page.indexOf("</tr>", start));
    }

    private boolean enabled(long id) {
        return jdbc.sql("select enabled from report_destination where id = :id").param("id", id).query(Boolean.class).single();
    }

    private long audited(String action, long hospital) {
        return jdbc.sql("select count(*) from audit_event where action = :a and object = :t")
                .param("a", action).param("t", "hospital:" + hospital).query(Long.class).single();
    }
}
