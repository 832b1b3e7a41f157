package fr.relais.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin's engines and thresholds page, and the CSV door the command line uses. */
class AiAdminPagesIT extends BaseIntegrationTest {

    /** Four positives (0.2 … 0.8) and four negatives (0.1 … 0.7): for 75 %, 0.4 (sensitivity 3/4, specificity 2/4). */
    private static final String CSV = """
            score,label
            0.2,1
            0.4,true
            0.6,positive
            0.8,1
            0.1,0
            0.3,false
            0.5,negative
            0.7,0
            """;

    @Autowired
    AiEngines engines;

    private Browser adminBrowser() {
        return browser().loggedInAs("admin", ADMIN_PASSWORD);
    }

    private String newEngine(Browser browser, String kind, String ae, int port) {
        String code = unique("moteur").replace(' ', '-');
        browser.get("/admin/ai");
        HttpResponse<String> post = browser.postForm("/admin/ai/engines", List.of(Map.entry("kind", kind),
                Map.entry("code", code), Map.entry("name", "Moteur " + code), Map.entry("version", "1.2"),
                Map.entry("examTypes", "CT_SPINE_C"), Map.entry("aeTitle", ae), Map.entry("host", "localhost"),
                Map.entry("port", String.valueOf(port)), Map.entry("timeoutSeconds", "")));
        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(post.headers().firstValue("Location").orElse("")).endsWith("/admin/ai");
        return code;
    }

    private String threshold(String code, String finding) {
        return jdbc.sql("""
                select t.threshold || ' ' || t.source || ' ' || coalesce(t.target_sensitivity::text, '-')
                from ai_threshold t join ai_engine g on g.id = t.engine_id where g.code = :c and t.finding = :f""")
                .param("c", code).param("f", finding).query(String.class).optional().orElse("NONE");
    }

    @Test
    void theAdminCreatesADicomAndAnHttpEngineSeesTheTokenOnceAndDisablesThem() throws Exception {
        Browser browser = adminBrowser();
        HttpResponse<String> page = browser.get("/admin/ai");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Moteurs d’IA et seuils</h1>", "Se déconnecter", "relais-ich", "name=\"_csrf\"",
                "<label for=\"derive-engine\">Moteur</label>", "id=\"given-finding\"");

        String ae = uniqueAeTitle("ENG");
        String dicom = newEngine(browser, "DICOM", ae, 11199);
        assertThat(browser.get("/admin/ai").body()).contains("Moteur « " + dicom + " » créé.", ae + " @ localhost:11199");
        assertThat(engines.byDicomAeTitle(ae)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(dicom));

        String http = newEngine(browser, "HTTP", "", 0);
        String shown = browser.get("/admin/ai").body();
        assertThat(shown).contains("id=\"engine-token\"");
        String token = shown.replaceAll("(?s).*id=\"engine-token\".*?<code>([^<]+)</code>.*", "$1");
        assertThat(engines.byToken(token)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(http));
        assertThat(browser.get("/admin/ai").body()).doesNotContain("id=\"engine-token\"").doesNotContain(token);
        assertThat(jdbc.sql("select token_hash from ai_engine where code = :c").param("c", http).query(String.class).single())
                .isNotEqualTo(token);

        // Refused: a hospital's AE title, a taken AE title, an unknown exam type; nothing is created.
        String hospitalAe = uniqueAeTitle("HOSP");
        createHospital(unique("CH Titre"), hospitalAe);
        for (List<Map.Entry<String, String>> bad : List.of(
                List.of(Map.entry("aeTitle", hospitalAe), Map.entry("examTypes", "CT_HEAD")),
                List.of(Map.entry("aeTitle", ae), Map.entry("examTypes", "CT_HEAD")),
                List.of(Map.entry("aeTitle", uniqueAeTitle("NEW")), Map.entry("examTypes", "CT_NOWHERE")))) {
            String code = unique("refuse").replace(' ', '-');
            List<Map.Entry<String, String>> form = new java.util.ArrayList<>(bad);
            form.addAll(List.of(Map.entry("kind", "DICOM"), Map.entry("code", code), Map.entry("name", "X"),
                    Map.entry("host", "localhost"), Map.entry("port", "104")));
            browser.postForm("/admin/ai/engines", form);
            assertThat(browser.get("/admin/ai").body()).as(bad.toString()).contains("class=\"failure\"");
            assertThat(engines.byCode(code)).isEmpty();
        }

        for (String code : List.of(dicom, http)) {
            browser.postForm("/admin/ai/engines/" + code + "/disable", List.of());
            assertThat(browser.get("/admin/ai").body()).contains("Moteur « " + code + " » désactivé");
        }
        assertThat(engines.byDicomAeTitle(ae)).isEmpty();
        assertThat(engines.byToken(token)).isEmpty();
    }

    @Test
    void aDicomEngineRowWithoutItsConfigIsShownNotAFailedPage() {
        String broken = "broken_" + Math.abs(System.nanoTime() % 100000);
        jdbc.sql("insert into ai_engine (code, name, kind, exam_types, enabled) values (:c, 'Sans config', 'DICOM', '{CT_HEAD}', false)")
                .param("c", broken).update();
        var page = adminBrowser().get("/admin/ai");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sans config").contains("has no config");
    }

    @Test
    void theApiCreatesAndDisablesEnginesForAdminsOnly() {
        String code = unique("api-engine").replace(' ', '-');
        Map<String, Object> http = Map.of("kind", "HTTP", "code", code, "name", "Moteur API", "examTypes", "CT_SPINE_C");
        TestAccount coordinator = createAccount(fr.relais.security.Role.COORDINATOR, null);
        assertThat(as(coordinator).post("/api/ai/engines", http).status()).isEqualTo(403);
        assertThat(engines.byCode(code)).isEmpty();

        var created = admin().post("/api/ai/engines", http);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asText();
        assertThat(engines.byToken(token)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(code));
        assertThat(admin().get("/api/ai/engines").body()).contains(code).doesNotContain(token);

        var again = admin().post("/api/ai/engines", http);
        assertThat(again.status()).isEqualTo(409);
        var noPort = admin().post("/api/ai/engines", Map.of("kind", "DICOM", "code", code + "-d", "name", "X",
                "examTypes", "CT_SPINE_C", "aeTitle", uniqueAeTitle("API"), "host", "localhost"));
        assertThat(noPort.status()).isEqualTo(400);
        assertThat(noPort.contentType()).startsWith("application/problem+json");
        assertThat(engines.byCode(code + "-d")).isEmpty();

        assertThat(admin().post("/api/ai/engines/" + code + "/disable", null).status()).isEqualTo(204);
        assertThat(engines.byToken(token)).isEmpty();
        assertThat(admin().post("/api/ai/engines/no-such-engine/disable", null).status()).isEqualTo(404);
    }

    @Test
    void aThresholdDerivedFromAnUploadedValidationSetIsShownWithItsPerformanceThenSaved() {
        Browser browser = adminBrowser();
        String code = newEngine(browser, "DICOM", uniqueAeTitle("THR"), 104);
        browser.get("/admin/ai");
        HttpResponse<String> preview = browser.postMultipart("/admin/ai/thresholds/derive", List.of(
                Map.entry("engine", code), Map.entry("finding", "ICH"), Map.entry("targetSensitivity", "0,75")),
                "validation", "validation.csv", CSV.getBytes(StandardCharsets.UTF_8));
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("id=\"threshold-preview\"", "<strong data-threshold>0.4</strong>")
                .containsPattern("data-sensitivity>75,0\\W*%").containsPattern("data-specificity>50,0\\W*%")
                .containsPattern("data-sensitivity-low>30,1\\W*%");
        assertThat(threshold(code, "ICH")).as("not saved before the admin confirms").isEqualTo("NONE");

        HttpResponse<String> saved = browser.postForm("/admin/ai/thresholds/derive", List.of(Map.entry("engine", code),
                Map.entry("finding", "ICH"), Map.entry("targetSensitivity", "0.75"), Map.entry("csv", CSV),
                Map.entry("save", "true")));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(threshold(code, "ICH")).isEqualTo("0.4 DERIVED 0.75");
        assertThat(browser.get("/admin/ai").body()).contains("Seuil enregistré : " + code + " ICH = 0.4.");

        browser.postForm("/admin/ai/thresholds", List.of(Map.entry("engine", code), Map.entry("finding", "ICH"),
                Map.entry("threshold", "0,25")));
        assertThat(threshold(code, "ICH")).isEqualTo("0.25 GIVEN -");
        engines.disable(code);
    }

    @Test
    void aMalformedValidationSetGetsItsLineNamedAndChangesNothing() throws Exception {
        Browser browser = adminBrowser();
        String code = newEngine(browser, "DICOM", uniqueAeTitle("BAD"), 104);
        engines.disable(code);
        browser.get("/admin/ai");
        HttpResponse<String> page = browser.postMultipart("/admin/ai/thresholds/derive", List.of(
                Map.entry("engine", code), Map.entry("finding", "ICH"), Map.entry("targetSensitivity", "0.95")),
                "validation", "validation.csv", "score,label\n0.2,1\nabc,0\n".getBytes(StandardCharsets.UTF_8));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Ligne 3 du jeu de validation : le score « abc » n’est pas un nombre.")
                .doesNotContain("id=\"threshold-preview\"");

        // The command line's door: a problem detail naming the line, nothing saved.
        ObjectMapper json = new ObjectMapper();
        for (String bad : List.of("0.2,1\n0.5,maybe\n", "0.2;1;extra\n", "", "0.3,0\n")) {
            HttpResponse<String> r = putCsv(code, "ICH", "0.95", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json.readTree(r.body()).get("detail").asText()).as(bad).isNotBlank();
        }
        assertThat(json.readTree(putCsv(code, "ICH", "0.95", "0.2,1\n0.5,maybe\n").body()).get("detail").asText())
                .contains("2", "maybe");
        assertThat(threshold(code, "ICH")).isEqualTo("NONE");
        assertThat(putCsv(code, "ich?", "0.95", CSV).statusCode()).isEqualTo(400);
        assertThat(putCsv("no-such-engine", "ICH", "0.95", CSV).statusCode()).isEqualTo(404);

        // and a good set, in the French spreadsheet way, is derived and saved
        HttpResponse<String> ok = putCsv(code, "ICH", "0.75", CSV.replace(",", ";").replace(".", ","));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode set = json.readTree(ok.body());
        assertThat(set.get("threshold").asDouble()).isEqualTo(0.4);
        assertThat(set.get("sensitivity").asDouble()).isEqualTo(0.75);
        // 3 of 4 positives found: what so small a set can promise is Wilson's lower bound, 30.06%.
        assertThat(set.get("sensitivityLow").asDouble()).isCloseTo(0.3006, org.assertj.core.api.Assertions.within(0.0005));
        assertThat(set.get("specificity").asDouble()).isEqualTo(0.5);
        assertThat(threshold(code, "ICH")).isEqualTo("0.4 DERIVED 0.75");
    }

    @Test
    void theCommandLineDerivesPrintsAndSavesAThresholdAndSaysWhatIsWrongWithABadSet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Browser browser = adminBrowser();
        String code = newEngine(browser, "DICOM", uniqueAeTitle("CLI"), 104);
        engines.disable(code);
        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("good.csv"), CSV);
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.csv"), "0.2,1\n0.5,peut-être\n");

        Command dry = relais("ai", "threshold", "--engine", code, "--target", "0.75", "--validation", good.toString(), "--dry-run");
        assertThat(dry.exitCode()).as(dry.output()).isZero();
        assertThat(dry.output()).contains("threshold    0.4", "sensitivity  0.75 on 4 positive cases (95% Wilson lower bound 0.300",
                "specificity  0.5 on 4 negative cases", "not saved");
        assertThat(threshold(code, "ICH")).isEqualTo("NONE");

        Command refused = relais("ai", "threshold", "--engine", code, "--target", "0.75", "--validation", bad.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("Line 2 of the validation set: label “peut-être”");
        assertThat(threshold(code, "ICH")).isEqualTo("NONE");

        Command saved = relais("ai", "threshold", "--engine", code, "--finding", "ICH", "--target", "0.75",
                "--validation", good.toString());
        assertThat(saved.exitCode()).as(saved.output()).isZero();
        assertThat(saved.output()).contains("threshold    0.4", "saved");
        assertThat(threshold(code, "ICH")).isEqualTo("0.4 DERIVED 0.75");
    }

    private record Command(int exitCode, String output) {}

    private Command relais(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "relais"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RELAIS_URL", "http://localhost:" + port);
        pb.environment().put("RELAIS_ADMIN_USER", "admin");
        pb.environment().put("RELAIS_ADMIN_PASSWORD", ADMIN_PASSWORD);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Command(p.waitFor(), output);
    }

    private HttpResponse<String> putCsv(String engine, String finding, String target, String csv) throws Exception {
        String basic = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/ai/engines/" + engine + "/thresholds/" + java.net.URLEncoder.encode(finding, StandardCharsets.UTF_8)
                        + "?targetSensitivity=" + target))
                .header("Authorization", "Basic " + basic).header("Content-Type", "text/csv")
                .header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
