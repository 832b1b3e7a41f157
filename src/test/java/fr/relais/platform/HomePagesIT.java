package fr.relais.platform;

import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each role's home page describes what it can do now, and announces nothing that is already built. */
class HomePagesIT extends BaseIntegrationTest {

    @Test
    void eachRolesHomeDescribesWhatExistsAndLinksToIt() {
        long hospital = createHospital(unique("CH Accueil"), uniqueAeTitle("ACC"));
        Map<Role, List<String>> expected = Map.of(
                Role.COORDINATOR, List.of("Surveillez la file commune", "href=\"/coordination/dashboard\"",
                        "href=\"/coordination/deliveries\"", "href=\"/shifts\""),
                Role.RADIOLOGIST, List.of("lisez depuis la salle d’attente commune", "href=\"/worklist\"",
                        "href=\"/regulation\"", "href=\"/billing/statement\""),
                Role.BILLING, List.of("Exportez les actes CCAM", "href=\"/billing\""),
                Role.HOSPITAL_PHYSICIAN, List.of("Demandez un examen", "href=\"/portal/requests/new\""),
                Role.HOSPITAL_TECHNOLOGIST, List.of("Retrouvez les demandes acceptées", "href=\"/portal/technologist\""));
        expected.forEach((role, words) -> {
            TestAccount account = createAccount(role, role.name().startsWith("HOSPITAL_") ? hospital : null);
            String home = browser().loggedInAs(account.username(), account.password()).get("/").body();
            assertThat(home).as(role.name()).contains(words).doesNotContain("prochaines versions");
        });

        String admin = browser().loggedInAs("admin", ADMIN_PASSWORD).get("/").body();
        assertThat(admin).contains("Paramétrez toute la plateforme", "id=\"admin-subjects\"",
                        "destinations RIS et PACS", "le journal d’audit scellé")
                .doesNotContain("prochaines versions");
        for (String link : List.of("/admin/hospitals", "/admin/destinations", "/admin/audit", "/admin/storage", "/billing")) {
            assertThat(admin.substring(admin.indexOf("id=\"admin-subjects\""))).contains("href=\"" + link + "\"");
        }
    }
}
