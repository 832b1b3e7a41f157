package fr.relais.roster;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReadingCenterApiIT extends BaseIntegrationTest {

    @Test
    void adminCreatesUpdatesAndDeletesACenterWithSevenSeatsByDefault() {
        String name = unique("Centre de garde Toulouse");

        ApiClient.Response created = admin().post("/api/centers", Map.of("name", name));
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("seats").asInt()).isEqualTo(7);

        ApiClient.Response updated = admin().put("/api/centers/" + id, Map.of("name", name, "seats", 9));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(admin().get("/api/centers/" + id).json().get("seats").asInt()).isEqualTo(9);

        assertThat(admin().delete("/api/centers/" + id).status()).isEqualTo(204);
        assertThat(admin().get("/api/centers/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("select string_agg(action, ',' order by id) from audit_event where object = :o")
                .param("o", "center:" + id).query(String.class).single())
                .isEqualTo("CENTER_CREATED,CENTER_UPDATED,CENTER_DELETED");
    }

    @Test
    void seatsOutsideOneToAHundredAreRefused() {
        String name = unique("Centre trop grand");

        ApiClient.Response response = admin().post("/api/centers", Map.of("name", name, "seats", 101));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("seats");
        assertThat(response.json().get("errors").get(0).get("message").asText()).contains("1 à 100");
        assertThat(jdbc.sql("select count(*) from reading_center where name = :n").param("n", name)
                .query(Long.class).single()).isZero();
    }

    @Test
    void blankNameIsRefusedAndATakenNameIsAConflict() {
        Map<String, Object> blank = new HashMap<>();
        blank.put("name", "  ");
        assertThat(admin().post("/api/centers", blank).status()).isEqualTo(400);

        String name = unique("Centre pris");
        assertThat(admin().post("/api/centers", Map.of("name", name)).status()).isEqualTo(201);
        ApiClient.Response again = admin().post("/api/centers", Map.of("name", name));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains(name);
    }

    @Test
    void coordinatorReadsCentersButRadiologistDoesNot() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);

        assertThat(as(coordinator).get("/api/centers").status()).isEqualTo(200);
        assertThat(as(coordinator).post("/api/centers", Map.of("name", unique("Centre coordo"))).status()).isEqualTo(403);
        assertThat(as(radiologist).get("/api/centers").status()).isEqualTo(403);
    }

    @Test
    void adminCreatesACenterThroughTheForm() {
        Browser browser = browser().loggedInAs("admin", ADMIN_PASSWORD);
        browser.get("/admin/centers/new");
        String name = unique("Centre de garde Nantes");

        HttpResponse<String> post = browser.postForm("/admin/centers", List.of(Map.entry("name", name), Map.entry("seats", "5")));

        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(browser.get("/admin/centers").body()).contains(name);
        assertThat(jdbc.sql("select seats from reading_center where name = :n").param("n", name)
                .query(Integer.class).single()).isEqualTo(5);
    }
}
