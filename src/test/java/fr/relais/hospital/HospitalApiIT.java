package fr.relais.hospital;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HospitalApiIT extends BaseIntegrationTest {

    @Autowired
    HospitalDirectory directory;

    private static Map<String, Object> hospital(String name, String finess, String timeZone, Object... aeTitles) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("finess", finess);
        if (timeZone != null) {
            body.put("timeZone", timeZone);
        }
        body.put("aeTitles", List.of(aeTitles));
        return body;
    }

    private long hospitalsNamed(String name) {
        return jdbc.sql("select count(*) from hospital where name = :name").param("name", name).query(Long.class).single();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void adminCreatesAHospitalWithTwoAeTitlesAndReadsItBack() {
        String name = unique("CH Mont-de-Marsan");
        String ct = uniqueAeTitle("mdm_ct").toLowerCase();
        String mr = uniqueAeTitle("MDM_MR");

        ApiClient.Response created = admin().post("/api/hospitals", hospital(name, "400011234", null, " " + ct + " ", mr));

        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.header("Location")).endsWith("/api/hospitals/" + id);
        JsonNode read = admin().get("/api/hospitals/" + id).json();
        assertThat(read.get("name").asText()).isEqualTo(name);
        assertThat(read.get("finess").asText()).isEqualTo("400011234");
        assertThat(read.get("timeZone").asText()).isEqualTo("Europe/Paris");
        assertThat(read.get("retentionDays").asInt()).isEqualTo(90);
        assertThat(texts(read.get("aeTitles"))).containsExactlyInAnyOrder(ct.toUpperCase(), mr);
        assertThat(admin().get("/api/hospitals").body()).contains(name);
        assertThat(directory.findByCallingAeTitle(ct.toUpperCase())).hasValueSatisfying(h -> assertThat(h.id()).isEqualTo(id));
        assertThat(jdbc.sql("select actor from audit_event where action = 'HOSPITAL_CREATED' and object = :o")
                .param("o", "hospital:" + id).query(String.class).single()).isEqualTo("admin");
    }

    @Test
    void invalidFinessIsRefusedWithAFieldMessageAndNothingIsStored() {
        String name = unique("CH Finess");

        ApiClient.Response response = admin().post("/api/hospitals", hospital(name, "64-12345", null, uniqueAeTitle("FIN")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("finess");
        assertThat(error.get("message").asText()).contains("9 caractères");
        assertThat(response.json().get("detail").asText()).contains("finess", "9 caractères");
        assertThat(hospitalsNamed(name)).isZero();
    }

    @Test
    void aeTitleWithABackslashIsRefused() {
        String name = unique("CH Backslash");

        ApiClient.Response response = admin().post("/api/hospitals", hospital(name, uniqueFiness(), null, "GOOD_CT", "BAD\\CT"));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("aeTitles[1]");
        assertThat(error.get("message").asText()).contains("BAD\\CT", "barre oblique inverse");
        assertThat(hospitalsNamed(name)).isZero();
        assertThat(directory.findByCallingAeTitle("GOOD_CT")).isEmpty();
    }

    @Test
    void aeTitleOfSeventeenCharactersIsRefused() {
        String name = unique("CH Long");

        ApiClient.Response response = admin().post("/api/hospitals", hospital(name, uniqueFiness(), null, "ST_JEAN_ANGELY_CT"));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("aeTitles[0]");
        assertThat(error.get("message").asText()).contains("ST_JEAN_ANGELY_CT", "17 caractères", "16");
        assertThat(hospitalsNamed(name)).isZero();
    }

    @Test
    void aeTitleWithAControlCharacterIsRefusedAndAHospitalNeedsOne() {
        ApiClient.Response control = admin().post("/api/hospitals", hospital(unique("CH Tab"), uniqueFiness(), null, "TAB\tCT"));
        assertThat(control.status()).isEqualTo(400);
        assertThat(control.json().get("errors").get(0).get("message").asText()).contains("ASCII");

        ApiClient.Response none = admin().post("/api/hospitals", hospital(unique("CH None"), uniqueFiness(), null, "  "));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("errors").get(0).get("field").asText()).isEqualTo("aeTitles");
    }

    @Test
    void unknownTimeZoneIsRefused() {
        String name = unique("CH Zone");

        ApiClient.Response response = admin().post("/api/hospitals", hospital(name, uniqueFiness(), "Europe/Pau", uniqueAeTitle("TZ")));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("timeZone");
        assertThat(error.get("message").asText()).contains("Europe/Pau", "Europe/Paris");
        assertThat(hospitalsNamed(name)).isZero();
    }

    @Test
    void errorsAreInEnglishWhenTheClientAsks() {
        ApiClient.Response response = admin().language("en").post("/api/hospitals",
                hospital(unique("CH English"), "12", null, uniqueAeTitle("EN")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("message").asText()).contains("9 characters");
    }

    @Test
    void duplicateAeTitleAcrossHospitalsIsAConflictNamingTheHolder() {
        String holder = unique("CH Titulaire");
        String title = uniqueAeTitle("SHARED");
        createHospital(holder, title);
        String second = unique("CH Second");

        ApiClient.Response response = admin().post("/api/hospitals", hospital(second, uniqueFiness(), null, "OTHER_CT", title.toLowerCase()));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(title, holder);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("aeTitles");
        assertThat(hospitalsNamed(second)).isZero();
        assertThat(directory.findByCallingAeTitle("OTHER_CT")).isEmpty();
    }

    @Test
    void duplicateFinessOrNameIsAConflict() {
        String name = unique("CH Unique");
        long id = createHospital(name, uniqueAeTitle("UNQ"));
        String finess = admin().get("/api/hospitals/" + id).json().get("finess").asText();

        ApiClient.Response sameFiness = admin().post("/api/hospitals", hospital(unique("CH Other"), finess, null, uniqueAeTitle("UNQ")));
        assertThat(sameFiness.status()).isEqualTo(409);
        assertThat(sameFiness.json().get("detail").asText()).contains(finess, name);

        ApiClient.Response sameName = admin().post("/api/hospitals", hospital(name, uniqueFiness(), null, uniqueAeTitle("UNQ")));
        assertThat(sameName.status()).isEqualTo(409);
    }

    @Test
    void updateReplacesTheAeTitlesAndFreesTheOldOnes() {
        String name = unique("CH Update");
        String old = uniqueAeTitle("OLD");
        long id = createHospital(name, old);
        String renamed = name + " (nouveau)";
        String fresh = uniqueAeTitle("NEW");

        Map<String, Object> body = hospital(renamed, uniqueFiness(), "America/Cayenne", fresh);
        body.put("retentionDays", 30);
        ApiClient.Response updated = admin().put("/api/hospitals/" + id, body);

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("name").asText()).isEqualTo(renamed);
        assertThat(updated.json().get("retentionDays").asInt()).isEqualTo(30);
        assertThat(updated.json().get("timeZone").asText()).isEqualTo("America/Cayenne");
        assertThat(texts(updated.json().get("aeTitles"))).containsExactly(fresh);
        assertThat(directory.findByCallingAeTitle(old)).isEmpty();
        createHospital(unique("CH Reuse"), old);
    }

    @Test
    void retentionOutsideItsRangeIsRefused() {
        Map<String, Object> body = hospital(unique("CH Retention"), uniqueFiness(), null, uniqueAeTitle("RET"));
        body.put("retentionDays", 0);

        ApiClient.Response response = admin().post("/api/hospitals", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("retentionDays");
    }

    @Test
    void coordinatorCanReadHospitalsButNotCreateThem() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        long id = createHospital(unique("CH Lecture"), uniqueAeTitle("READ"));
        String name = unique("CH Interdit");

        assertThat(as(coordinator).get("/api/hospitals").status()).isEqualTo(200);
        assertThat(as(coordinator).get("/api/hospitals/" + id).status()).isEqualTo(200);
        ApiClient.Response create = as(coordinator).post("/api/hospitals", hospital(name, uniqueFiness(), null, uniqueAeTitle("NO")));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.contentType()).startsWith("application/problem+json");
        assertThat(as(coordinator).delete("/api/hospitals/" + id).status()).isEqualTo(403);
        assertThat(hospitalsNamed(name)).isZero();
    }

    @Test
    void hospitalUserCannotReadTheHospitalList() {
        long id = createHospital(unique("CH Scope"), uniqueAeTitle("SCOPE"));
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, id);

        ApiClient.Response response = as(technologist).get("/api/hospitals");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("status").asInt()).isEqualTo(403);
    }

    @Test
    void malformedJsonIsA400Problem() {
        ApiClient.Response response = admin().post("/api/hospitals", "{\"name\": \"CH Cassé\", \"finess\": ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains("JSON");
    }

    @Test
    void unknownHospitalIsA404Problem() {
        ApiClient.Response response = admin().get("/api/hospitals/987654");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains("987654");
    }

    @Test
    void hospitalWithStudiesCannotBeDeletedButAnEmptyOneCan() {
        long withStudy = createHospital(unique("CH Etudes"), uniqueAeTitle("STUDY"));
        OffsetDateTime now = OffsetDateTime.now();
        long patient = jdbc.sql("insert into patient (hospital_id, patient_key, created_at) values (:h, 'P1', :at) returning id")
                .param("h", withStudy).param("at", now).query(Long.class).single();
        jdbc.sql("""
                insert into study (hospital_id, patient_id, study_uid, first_received_at, last_received_at)
                values (:h, :p, '1.2.3.4', :at, :at)""")
                .param("h", withStudy).param("p", patient).param("at", now).update();

        ApiClient.Response refused = admin().delete("/api/hospitals/" + withStudy);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("études");
        assertThat(admin().get("/api/hospitals/" + withStudy).status()).isEqualTo(200);

        long empty = createHospital(unique("CH Vide"), uniqueAeTitle("EMPTY"));
        assertThat(admin().delete("/api/hospitals/" + empty).status()).isEqualTo(204);
        assertThat(admin().get("/api/hospitals/" + empty).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'HOSPITAL_DELETED' and object = :o")
                .param("o", "hospital:" + empty).query(Long.class).single()).isEqualTo(1);
    }

    /** A fingerprint no other test registers, as openssl prints it (colons), partly in lower case. */
    private static String uniqueFingerprint() {
        String hex = "3fa9" + String.format("%060X", System.nanoTime());
        return hex.replaceAll("(..)(?!$)", "$1:");
    }

    @Test
    void certificatesAndNetworksAreRegisteredNormalisedKeptWhenLeftOutAndAudited() {
        String name = unique("CH Identité");
        String ae = uniqueAeTitle("IDENT");
        Map<String, Object> body = hospital(name, uniqueFiness(), null, ae);
        String fingerprint = uniqueFingerprint();
        body.put("certificateFingerprints", List.of(fingerprint));
        body.put("certificateSubjects", List.of("CN=ct." + ae.toLowerCase() + ".example, O=CH Identite, C=FR"));
        body.put("networks", List.of("10.12.0.0/16", "2001:DB8:0:0::/32", "192.0.2.7"));

        ApiClient.Response created = admin().post("/api/hospitals", body);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        JsonNode read = admin().get("/api/hospitals/" + id).json();
        assertThat(texts(read.get("certificateFingerprints"))).containsExactly(fingerprint.replace(":", "").toUpperCase());
        assertThat(texts(read.get("certificateSubjects"))).containsExactly("CN=ct." + ae.toLowerCase() + ".example,O=CH Identite,C=FR");
        assertThat(texts(read.get("networks"))).containsExactlyInAnyOrder("10.12.0.0/16", "2001:db8::/32", "192.0.2.7/32");
        assertThat(jdbc.sql("select detail from audit_event where action = 'HOSPITAL_CREATED' and object = :o")
                .param("o", "hospital:" + id).query(String.class).single())
                .contains("SHA-256 3FA9", "subject CN=ct.", "10.12.0.0/16", "2001:db8::/32");

        // A PUT that leaves the lists out keeps them; an empty list clears one.
        body.remove("certificateFingerprints");
        body.remove("certificateSubjects");
        body.put("networks", List.of());
        ApiClient.Response updated = admin().put("/api/hospitals/" + id, body);
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(texts(updated.json().get("certificateFingerprints"))).hasSize(1);
        assertThat(texts(updated.json().get("certificateSubjects"))).hasSize(1);
        assertThat(texts(updated.json().get("networks"))).isEmpty();
        assertThat(jdbc.sql("select detail from audit_event where action = 'HOSPITAL_UPDATED' and object = :o")
                .param("o", "hospital:" + id).query(String.class).single()).contains("networks any");

        // One certificate identifies one hospital.
        Map<String, Object> other = hospital(unique("CH Autre"), uniqueFiness(), null, uniqueAeTitle("OTHER"));
        other.put("certificateSubjects", List.of("cn=CT." + ae + ".EXAMPLE,o=ch identite,c=fr"));
        ApiClient.Response taken = admin().post("/api/hospitals", other);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("detail").asText()).contains(name);
    }

    @Test
    void aBadFingerprintSubjectOrNetworkIsA400ProblemAndChangesNothing() {
        String name = unique("CH Mauvaise identité");
        String ae = uniqueAeTitle("BADID");
        long id = admin().post("/api/hospitals", hospital(name, uniqueFiness(), null, ae)).json().get("id").asLong();
        Map<String, Object> body = hospital(name, uniqueFiness(), null, ae);

        body.put("certificateFingerprints", List.of("AB:CD:EF"));
        ApiClient.Response fingerprint = admin().put("/api/hospitals/" + id, body);
        assertThat(fingerprint.status()).isEqualTo(400);
        assertThat(fingerprint.contentType()).startsWith("application/problem+json");
        JsonNode error = fingerprint.json().get("errors").get(0);
        assertThat(error.get("field").asText()).startsWith("certificateFingerprints");
        assertThat(error.get("message").asText()).contains("AB:CD:EF", "64 chiffres hexadécimaux", "on en compte 6");

        body.remove("certificateFingerprints");
        body.put("certificateSubjects", List.of("ct.example"));
        ApiClient.Response subject = admin().put("/api/hospitals/" + id, body);
        assertThat(subject.status()).isEqualTo(400);
        assertThat(subject.json().get("errors").get(0).get("message").asText()).contains("nom distingué");

        body.remove("certificateSubjects");
        body.put("networks", List.of("10.12.0.0/16", "10.12.3.4/16"));
        ApiClient.Response hostBits = admin().put("/api/hospitals/" + id, body);
        assertThat(hostBits.status()).isEqualTo(400);
        assertThat(hostBits.json().get("errors").get(0).get("field").asText()).isEqualTo("networks[1]");
        assertThat(hostBits.json().get("errors").get(0).get("message").asText()).contains("10.12.3.4/16", "10.12.0.0/16 ?");

        body.put("networks", List.of("ch-pau.example/24"));
        ApiClient.Response hostName = admin().put("/api/hospitals/" + id, body);
        assertThat(hostName.status()).isEqualTo(400);
        assertThat(hostName.json().get("errors").get(0).get("message").asText()).contains("pas un nom d’hôte");

        body.put("networks", List.of("10.0.0.0/33"));
        ApiClient.Response prefix = admin().language("en").put("/api/hospitals/" + id, body);
        assertThat(prefix.status()).isEqualTo(400);
        assertThat(prefix.json().get("errors").get(0).get("message").asText()).contains("0 to 32 for IPv4");

        // Nothing was changed, not even the FINESS of the same request.
        JsonNode read = admin().get("/api/hospitals/" + id).json();
        assertThat(texts(read.get("certificateFingerprints"))).isEmpty();
        assertThat(texts(read.get("certificateSubjects"))).isEmpty();
        assertThat(texts(read.get("networks"))).isEmpty();
        assertThat(read.get("finess").asText()).isNotEqualTo(body.get("finess"));
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'HOSPITAL_UPDATED' and object = :o")
                .param("o", "hospital:" + id).query(Long.class).single()).isZero();
    }
}
