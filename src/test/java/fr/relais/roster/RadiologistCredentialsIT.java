package fr.relais.roster;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class RadiologistCredentialsIT extends BaseIntegrationTest {

    private static List<Long> hospitalIds(JsonNode radiologist) {
        return StreamSupport.stream(radiologist.get("hospitals").spliterator(), false)
                .map(h -> h.get("id").asLong()).toList();
    }

    private static List<String> subspecialties(JsonNode radiologist) {
        List<String> names = new ArrayList<>();
        radiologist.get("subspecialties").forEach(s -> names.add(s.asText()));
        return names;
    }

    private JsonNode listed(ApiClient client, long userId) {
        ApiClient.Response list = client.get("/api/radiologists");
        assertThat(list.status()).isEqualTo(200);
        return StreamSupport.stream(list.json().spliterator(), false)
                .filter(r -> r.get("id").asLong() == userId).findFirst().orElseThrow();
    }

    @Test
    void adminSetsAndReplacesARadiologistsHospitalsAndSubspecialties() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long pau = createHospital(unique("CH Pau test"), uniqueAeTitle("PAU"));
        long dax = createHospital(unique("CH Dax test"), uniqueAeTitle("DAX"));
        long agen = createHospital(unique("CH Agen test"), uniqueAeTitle("AGEN"));
        String path = "/api/radiologists/" + radiologist.id();

        ApiClient.Response set = admin().put(path + "/hospitals", List.of(pau, dax));
        assertThat(set.status()).isEqualTo(200);
        assertThat(hospitalIds(set.json())).containsExactlyInAnyOrder(pau, dax);

        ApiClient.Response replaced = admin().put(path + "/hospitals", List.of(agen, agen));
        assertThat(hospitalIds(replaced.json())).containsExactly(agen);

        ApiClient.Response subs = admin().put(path + "/subspecialties", List.of("NEURO", "vascular"));
        assertThat(subs.status()).isEqualTo(200);
        assertThat(subspecialties(subs.json())).containsExactlyInAnyOrder("NEURO", "VASCULAR");
        assertThat(subspecialties(admin().put(path + "/subspecialties", List.of("THORACIC")).json()))
                .containsExactly("THORACIC");

        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        JsonNode seen = listed(as(coordinator), radiologist.id());
        assertThat(hospitalIds(seen)).containsExactly(agen);
        assertThat(subspecialties(seen)).containsExactly("THORACIC");
        assertThat(seen.get("presence").isNull()).isTrue();
        assertThat(jdbc.sql("select string_agg(action || ':' || actor, ',' order by id) from audit_event where object = :o and action like 'CREDENTIALS%'")
                .param("o", "user:" + radiologist.id()).query(String.class).single())
                .isEqualTo("CREDENTIALS_HOSPITALS_SET:admin,CREDENTIALS_HOSPITALS_SET:admin,"
                        + "CREDENTIALS_SUBSPECIALTIES_SET:admin,CREDENTIALS_SUBSPECIALTIES_SET:admin");

        assertThat(admin().put(path + "/hospitals", List.of()).status()).isEqualTo(200);
        assertThat(hospitalIds(listed(admin(), radiologist.id()))).isEmpty();
    }

    @Test
    void onlyRadiologistsReceiveCredentials() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        long hospital = createHospital(unique("CH Oloron test"), uniqueAeTitle("OLO"));

        ApiClient.Response refused = admin().put("/api/radiologists/" + coordinator.id() + "/hospitals", List.of(hospital));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains(coordinator.username(), "radiologue");
        assertThat(admin().put("/api/radiologists/" + coordinator.id() + "/subspecialties", List.of("NEURO")).status())
                .isEqualTo(409);
        assertThat(jdbc.sql("select count(*) from radiologist_hospital where user_id = :u").param("u", coordinator.id())
                .query(Long.class).single()).isZero();
        assertThat(listedIds()).doesNotContain(coordinator.id());
        assertThat(admin().put("/api/radiologists/999999999/hospitals", List.of(hospital)).status()).isEqualTo(404);
    }

    private List<Long> listedIds() {
        return StreamSupport.stream(admin().get("/api/radiologists").json().spliterator(), false)
                .map(r -> r.get("id").asLong()).toList();
    }

    @Test
    void unknownHospitalOrSubspecialtyIsRefusedByNameAndChangesNothing() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long hospital = createHospital(unique("CH Orthez test"), uniqueAeTitle("ORT"));
        String path = "/api/radiologists/" + radiologist.id();
        admin().put(path + "/hospitals", List.of(hospital));

        ApiClient.Response unknown = admin().put(path + "/hospitals", List.of(hospital, 987654321L));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asText()).contains("987654321");

        ApiClient.Response badSub = admin().put(path + "/subspecialties", List.of("NEURO", "DENTAL"));
        assertThat(badSub.status()).isEqualTo(400);
        assertThat(badSub.json().get("detail").asText()).contains("DENTAL", "NEURO");

        assertThat(admin().put(path + "/hospitals", "[1, ").status()).isEqualTo(400);
        assertThat(admin().put(path + "/hospitals", "{\"a\": 1}").status()).isEqualTo(400);
        ApiClient.Response letters = admin().put(path + "/hospitals", "[\"abc\"]");
        assertThat(letters.status()).isEqualTo(400);
        assertThat(letters.contentType()).startsWith("application/problem+json");

        assertThat(hospitalIds(listed(admin(), radiologist.id()))).containsExactly(hospital);
        assertThat(subspecialties(listed(admin(), radiologist.id()))).isEmpty();
    }

    @Test
    void coordinatorsReadButOnlyAdminsWriteAndOthersSeeNothing() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        String path = "/api/radiologists/" + radiologist.id();

        assertThat(as(coordinator).get("/api/radiologists").status()).isEqualTo(200);
        assertThat(as(coordinator).get(path).status()).isEqualTo(200);
        assertThat(as(coordinator).put(path + "/subspecialties", List.of("NEURO")).status()).isEqualTo(403);
        assertThat(as(radiologist).get("/api/radiologists").status()).isEqualTo(403);
        assertThat(as(radiologist).put(path + "/subspecialties", List.of("NEURO")).status()).isEqualTo(403);
        assertThat(anonymous().get("/api/radiologists").status()).isEqualTo(401);
    }
}
