package fr.relais.roster;

import fr.relais.ApiClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading centers for the roster tests, created through the API as an administrator would. */
final class RosterFixtures {

    private RosterFixtures() {}

    static long createCenter(ApiClient admin, String name, int seats) {
        ApiClient.Response created = admin.post("/api/centers", Map.of("name", name, "seats", seats));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }
}
