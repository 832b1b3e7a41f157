package fr.relais.delivery;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.e2e.BrowserSession;
import fr.relais.security.Role;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An administrator declares a hospital's RIS and PACS on the hospital's own admin page, in headless
 * Chromium, and tests each connection from there: DCMTK's storescp answers the C-ECHO, an MLLP
 * listener acknowledges the HL7 test message, and a port where nothing listens is said to be so, in
 * French words. Bad input is shown on the form and stores nothing; each change is audited.
 */
class HospitalDestinationsBrowserIT extends BaseIntegrationTest {

    @BeforeEach
    void browserInstalled() {
        assumeTrue(BrowserSession.available(), "chromium and chromium-driver are needed (./relais setup)");
    }

    @Test
    void anAdministratorDeclaresTheRisAndPacsOnTheHospitalPageAndTestsEachConnection() throws Exception {
        Dcmtk.requireDcmtk();
        long hospital = createHospital(unique("CH Diffusion"), uniqueAeTitle("DIF"));
        int pacsPort = freePort();
        Path received = Files.createTempDirectory("storescp");
        Process storescp = new ProcessBuilder("storescp", "-aet", "URG_PACS", "-od", received.toString(),
                String.valueOf(pacsPort)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (FakeRis ris = new FakeRis(0); BrowserSession browser = new BrowserSession(port)) {
            // From the menu's "Établissements" group to the hospital's page.
            browser.login("admin", ADMIN_PASSWORD).open("/admin/audit");
            browser.click(By.cssSelector("details[data-group=establishments] summary"));
            browser.click(By.cssSelector("details[data-group=establishments] a[href='/admin/hospitals']"));
            browser.waitUntil(d -> d.getCurrentUrl().endsWith("/admin/hospitals"));
            browser.open("/admin/hospitals/" + hospital + "/edit");
            assertThat(browser.text(By.id("destinations"))).contains("Destinations des comptes rendus", "Aucune destination");

            // A RIS over MLLP, declared from the hospital's page.
            browser.click(By.id("destination-add"));
            browser.select("kind", "HL7_MLLP").type("label", "RIS des urgences").type("host", "127.0.0.1")
                    .type("port", String.valueOf(ris.port())).type("remoteName", "RIS_URG");
            browser.click(By.cssSelector("#destination-form button[type=submit]"));
            browser.waitForText(By.id("destination-result"), "Destination « RIS des urgences » ajoutée.");
            assertThat(browser.driver().getCurrentUrl()).contains("/admin/hospitals/" + hospital + "/edit");

            // A PACS whose port is mistyped first: the error is shown in French and nothing is stored.
            browser.click(By.id("destination-add"));
            browser.select("kind", "DICOM_STORE").type("label", "PACS des urgences").type("host", "127.0.0.1")
                    .type("port", "99999").type("remoteName", "URG_PACS");
            browser.click(By.cssSelector("#destination-form button[type=submit]"));
            assertThat(browser.waitForText(By.id("port-error"), "Le port va de 1 à 65535.").isDisplayed()).isTrue();
            assertThat(browser.text(By.cssSelector("#destination-form .failure")))
                    .contains("Le formulaire contient des erreurs");
            assertThat(destinations(hospital)).isEqualTo(1);
            browser.type("port", String.valueOf(pacsPort));
            browser.click(By.cssSelector("#destination-form button[type=submit]"));
            browser.waitForText(By.id("destination-result"), "Destination « PACS des urgences » ajoutée.");

            WebElement table = browser.byId("hospital-destinations");
            assertThat(table.getText()).contains("RIS des urgences", "RIS (HL7)", "127.0.0.1:" + ris.port() + " (RIS_URG)",
                    "PACS des urgences", "PACS (DICOM)", "127.0.0.1:" + pacsPort + " (URG_PACS)", "Active");

            // Test the PACS: storescp answers the C-ECHO (once it listens), and stores nothing.
            String pacsAnswer = Await.until("storescp answering the C-ECHO", () -> {
                pressTest(browser, "PACS des urgences");
                return browser.text(By.id("destination-result"));
            }, text -> text.contains("« PACS des urgences » répond : C-ECHO en"));
            assertThat(pacsAnswer).doesNotContain("ne répond pas");
            try (Stream<Path> files = Files.list(received)) {
                assertThat(files.count()).as("a C-ECHO stores nothing").isZero();
            }

            // Test the RIS: the listener acknowledges the test message, which files no report.
            pressTest(browser, "RIS des urgences");
            assertThat(browser.waitForText(By.id("destination-result"), "« RIS des urgences » répond : ACK AA en")
                    .findElement(By.cssSelector(".notice")).getAttribute("role")).isEqualTo("status");
            assertThat(ris.received()).as("a connection test files nothing").isEmpty();

            // The RIS moves to a port where nothing listens: the test says so, in words, as an alert.
            int deadPort = freePort();
            browser.click(By.cssSelector("a[aria-label='Modifier RIS des urgences']"));
            assertThat(browser.byId("kind").isEnabled()).as("a destination's type stays what it is").isFalse();
            browser.type("port", String.valueOf(deadPort));
            browser.click(By.cssSelector("#destination-form button[type=submit]"));
            browser.waitForText(By.id("destination-result"), "Destination « RIS des urgences » enregistrée.");
            assertThat(browser.text(By.id("hospital-destinations"))).contains("127.0.0.1:" + deadPort + " (RIS_URG)");
            pressTest(browser, "RIS des urgences");
            WebElement failure = browser.byId("destination-result").findElement(By.cssSelector(".failure"));
            assertThat(failure.getAttribute("role")).isEqualTo("alert");
            assertThat(failure.getText()).contains("« RIS des urgences » ne répond pas : rien n’écoute sur 127.0.0.1:"
                    + deadPort + " (connexion refusée)");

            // Removed from the page: it had received nothing, so it is gone.
            browser.click(By.cssSelector("button[aria-label='Supprimer RIS des urgences']"));
            browser.waitForText(By.id("destination-result"), "Destination « RIS des urgences » supprimée.");
            assertThat(browser.text(By.id("hospital-destinations"))).doesNotContain("RIS des urgences").contains("PACS des urgences");
            assertThat(destinations(hospital)).isEqualTo(1);
        } finally {
            storescp.destroy();
            storescp.waitFor(10, TimeUnit.SECONDS);
        }
        for (String action : List.of("DESTINATION_ADDED", "DESTINATION_UPDATED", "DESTINATION_TESTED", "DESTINATION_REMOVED")) {
            assertThat(jdbc.sql("select count(*) from audit_event where action = :a and object = :o and actor = 'admin'")
                    .param("a", action).param("o", "hospital:" + hospital).query(Long.class).single())
                    .as(action).isPositive();
        }
    }

    @Test
    void theDestinationRoutesRefuseACoordinatorAndAFormWithoutItsCsrfToken() {
        long hospital = createHospital(unique("CH Gardée"), uniqueAeTitle("GRD"));
        List<Map.Entry<String, String>> fields = List.of(Map.entry("kind", "HL7_MLLP"), Map.entry("label", "RIS"),
                Map.entry("host", "127.0.0.1"), Map.entry("port", "2575"), Map.entry("remoteName", "RIS"));
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        Browser asCoordinator = browser().loggedInAs(coordinator.username(), coordinator.password());
        assertThat(asCoordinator.get("/admin/hospitals/" + hospital + "/destinations/new").statusCode()).isEqualTo(403);
        assertThat(asCoordinator.postForm("/admin/hospitals/" + hospital + "/destinations", fields).statusCode())
                .isEqualTo(403);

        Browser admin = browser().loggedInAs("admin", ADMIN_PASSWORD);
        admin.get("/admin/hospitals/" + hospital + "/edit");
        assertThat(admin.postRaw("/admin/hospitals/" + hospital + "/destinations", fields).statusCode())
                .isEqualTo(403);
        assertThat(destinations(hospital)).isZero();
        assertThat(admin.postForm("/admin/hospitals/" + hospital + "/destinations", fields).statusCode()).isEqualTo(302);
        assertThat(destinations(hospital)).isEqualTo(1);
    }

    /** Presses "Tester la connexion" on a destination's row and waits for the page it leads back to. */
    private static void pressTest(BrowserSession browser, String label) {
        browser.markPage();
        browser.click(By.cssSelector("button[aria-label='Tester la connexion " + label + "']"));
        browser.waitUntil(d -> !browser.pageWasNotReloaded());
    }

    private long destinations(long hospital) {
        return jdbc.sql("select count(*) from report_destination where hospital_id = :h").param("h", hospital)
                .query(Long.class).single();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
