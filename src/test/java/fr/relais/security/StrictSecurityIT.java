package fr.relais.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.hospital.HospitalRequest;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.request.RequestFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production security defaults on their own server: HTTPS with a PEM certificate (the tls
 * profile), the second factor for radiologists, coordinators and admins, no password-only API for
 * them, API tokens for hospital systems, lockout. (The shared test server turns the second factor
 * off so that its clients log in with a password.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
class StrictSecurityIT {

    private static final Path DATA_DIR = BaseIntegrationTest.newDataDir("relais-strict-");
    private static final String ADMIN_PASSWORD = "admin-password-for-strict-tests";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern SECRET = Pattern.compile("id=\"totp-secret\">([A-Z2-7 ]+)<");
    private static SSLContext trust;

    /** A key pair made by keytool as an operator would, as the two PEM files DCMTK and Spring read. */
    private record Pem(Path certificate, Path key, Certificate x509) {}

    private static Pem keyPair(String name, String dname, String... extensions) throws Exception {
        Path keyStore = DATA_DIR.resolve(name + ".p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", dname, "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit"));
        command.addAll(List.of(extensions));
        Process keytool = new ProcessBuilder(command).inheritIO().start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, "changeit".toCharArray());
        }
        Certificate certificate = store.getCertificate(name);
        PrivateKey key = (PrivateKey) store.getKey(name, "changeit".toCharArray());
        return new Pem(Files.writeString(DATA_DIR.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded())),
                Files.writeString(DATA_DIR.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded())), certificate);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        // What an operator has: two PEM files.
        Pem relais = keyPair("relais", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        RELAIS.set(relais);
        Path certificatePem = relais.certificate();
        Path keyPem = relais.key();
        // Two hospitals' client certificates for DICOM over TLS, both in the trust store.
        HOSPITAL_A.set(keyPair("hospital-a", "CN=ct.hopital-a.example,O=Hopital A,C=FR"));
        HOSPITAL_B.set(keyPair("hospital-b", "CN=ct.hopital-b.example,O=Hopital B,C=FR"));
        Path trustedPem = Files.writeString(DATA_DIR.resolve("trusted.crt"), Files.readString(certificatePem)
                + Files.readString(HOSPITAL_A.get().certificate()) + Files.readString(HOSPITAL_B.get().certificate()));
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("relais", relais.x509());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, trustManagers.getTrustManagers(), null);

        registry.add("RELAIS_TLS_CERTIFICATE", certificatePem::toString);
        registry.add("RELAIS_TLS_PRIVATE_KEY", keyPem::toString);
        registry.add("relais.data-dir", DATA_DIR::toString);
        registry.add("relais.dicom.port", () -> 0);
        registry.add("relais.admin-password", () -> ADMIN_PASSWORD);
        // DICOM over TLS on a second port, hospitals showing a certificate the trust store holds.
        registry.add("relais.dicom.tls-port", () -> 0);
        registry.add("spring.ssl.bundle.pem.dicom.keystore.certificate", certificatePem::toString);
        registry.add("spring.ssl.bundle.pem.dicom.keystore.private-key", keyPem::toString);
        registry.add("spring.ssl.bundle.pem.dicom.truststore.certificate", trustedPem::toString);
        CERTIFICATE.set(certificatePem);
        KEY.set(keyPem);
    }

    private static final java.util.concurrent.atomic.AtomicReference<Path> CERTIFICATE = new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Path> KEY = new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Pem> RELAIS = new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Pem> HOSPITAL_A = new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Pem> HOSPITAL_B = new java.util.concurrent.atomic.AtomicReference<>();

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @LocalServerPort
    int port;
    @Autowired
    AccountService accounts;
    @Autowired
    HospitalService hospitals;
    @Autowired
    ApiTokens tokens;
    @Autowired
    JdbcClient jdbc;

    private String base() {
        return "https://localhost:" + port;
    }

    private Browser browser() {
        return new Browser(base(), HttpClient.newBuilder().sslContext(trust));
    }

    private ApiClient api(String authorization) {
        return new ApiClient(base(), HttpClient.newBuilder().sslContext(trust)
                .followRedirects(HttpClient.Redirect.NEVER).build(), authorization);
    }

    private record Person(long id, String username, String password) {}

    private Person person(Role role, Long hospitalId) {
        String username = ("s" + SEQUENCE.incrementAndGet() + "." + role.name()).toLowerCase();
        String password = "password-of-" + username;
        long id = accounts.create(new NewAccount(username, "Strict " + role, role, hospitalId, password), Actor.SYSTEM).id();
        return new Person(id, username, password);
    }

    private long hospital() {
        int n = SEQUENCE.incrementAndGet();
        return hospitals.create(new HospitalRequest("CH Strict " + n, String.format("98%07d", n), null, null,
                List.of("STRICT_" + n)), Actor.SYSTEM).id();
    }

    private static String code(String secret, long step) throws Exception {
        return new DefaultCodeGenerator().generate(secret, step);
    }

    private static long step() {
        return System.currentTimeMillis() / 1000 / 30;
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    /** Password, enrolment with the QR page, first code; returns the secret as an app would keep it. */
    private String enrol(Browser browser, Person who) throws Exception {
        HttpResponse<String> login = browser.login(who.username(), who.password());
        assertThat(location(login)).endsWith("/login/second-factor");
        HttpResponse<String> page = browser.get("/login/second-factor");
        assertThat(page.body()).contains("src=\"data:image/png;base64,");
        Matcher m = SECRET.matcher(page.body());
        assertThat(m.find()).as("the secret is shown for typing by hand").isTrue();
        String secret = m.group(1).replace(" ", "");
        HttpResponse<String> done = browser.postForm("/login/second-factor", List.of(Map.entry("code", code(secret, step()))));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(location(done)).doesNotContain("error").doesNotContain("second-factor");
        return secret;
    }

    @Autowired
    fr.relais.intake.DicomDoor dicomDoor;

    private record Storescu(int exit, String output) {}

    private static Storescu storescu(List<String> tls, int port, String ae, List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu"));
        command.addAll(tls);
        command.addAll(List.of("-aet", ae, "-aec", "RELAIS", "localhost", String.valueOf(port)));
        files.forEach(f -> command.add(f.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Storescu(process.waitFor(), output);
    }

    private static List<String> tlsWith(Pem client) {
        return List.of("+tls", client.key().toString(), client.certificate().toString(), "-pw", "+cf", CERTIFICATE.get().toString());
    }

    private static String fingerprint(Certificate certificate) throws Exception {
        return java.util.HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    private long instancesOf(String studyUid) {
        return jdbc.sql("""
                select count(*) from instance i join series se on se.id = i.series_id join study st on st.id = se.study_id
                where st.study_uid = :uid""").param("uid", studyUid).query(Long.class).single();
    }

    private String lastRefusal(String ae) {
        return jdbc.sql("""
                select detail from audit_event where actor = :actor and action = 'DICOM_ASSOCIATION' and outcome = 'REJECTED'
                order by id desc limit 1""").param("actor", "dicom:" + ae).query(String.class).optional().orElse("");
    }

    private static fr.relais.sim.SyntheticCt.GeneratedStudy study(Path folder, int seed) throws Exception {
        return fr.relais.sim.SyntheticCt.generate(fr.relais.sim.SyntheticCt.StudySpec.builder().slices(2).rows(64)
                .columns(64).seed(seed).build(), folder);
    }

    @Test
    void dicomOverTlsStoresForAHospitalWithACertificateAndRefusesOthers(@TempDir Path folder) throws Exception {
        fr.relais.support.Dcmtk.requireDcmtk();
        int n = SEQUENCE.incrementAndGet();
        String ae = "TLS_" + n;
        hospitals.create(new HospitalRequest("CH TLS " + n, String.format("97%07d", n), null, null, List.of(ae),
                List.of(fingerprint(RELAIS.get().x509())), List.of(), List.of()), Actor.SYSTEM);
        fr.relais.sim.SyntheticCt.GeneratedStudy study = fr.relais.sim.SyntheticCt.generate(
                fr.relais.sim.SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(907).build(), folder);
        List<Path> files = study.instances().stream().map(fr.relais.sim.SyntheticCt.Instance::file).toList();
        int port = dicomDoor.tlsPort();
        assertThat(port).isPositive();
        // Here the hospital shows the server's own certificate (the trust store holds it too).
        List<String> withCertificate = tlsWith(RELAIS.get());

        // Plain TCP on the TLS port, and TLS without a client certificate: no association.
        assertThat(storescu(List.of(), port, ae, files).exit()).isNotZero();
        assertThat(storescu(List.of("+tla", "-ic"), port, ae, files).exit()).isNotZero();
        assertThat(instancesOf(study.studyInstanceUid())).isZero();

        Storescu sent = storescu(withCertificate, port, ae, files);
        assertThat(sent.exit()).as(sent.output()).isZero();
        assertThat(instancesOf(study.studyInstanceUid())).isEqualTo(2);
        // The calling AE still identifies the hospital: an unknown one is refused over TLS too.
        assertThat(storescu(withCertificate, port, "NOBODY_" + n, files).exit()).isNotZero();
    }

    @Test
    void onTheTlsPortTheCertificateMustBeOneRegisteredOnTheCallingHospital(@TempDir Path folder) throws Exception {
        fr.relais.support.Dcmtk.requireDcmtk();
        int n = SEQUENCE.incrementAndGet();
        String aeA = "TLSA_" + n;
        String aeB = "TLSB_" + n;
        String aeC = "TLSC_" + n;
        // A by its certificate's fingerprint, B by its certificate's subject, C with no certificate registered.
        long a = hospitals.create(new HospitalRequest("CH TLS A " + n, String.format("96%07d", n), null, null, List.of(aeA),
                List.of(fingerprint(HOSPITAL_A.get().x509()).toLowerCase()), List.of(), List.of()), Actor.SYSTEM).id();
        long b = hospitals.create(new HospitalRequest("CH TLS B " + n, String.format("95%07d", n), null, null, List.of(aeB),
                List.of(), List.of("cn=CT.HOPITAL-B.EXAMPLE, o=Hopital B, c=FR"), List.of()), Actor.SYSTEM).id();
        hospitals.create(new HospitalRequest("CH TLS C " + n, String.format("94%07d", n), null, null, List.of(aeC)), Actor.SYSTEM);
        int port = dicomDoor.tlsPort();
        var first = study(Files.createDirectories(folder.resolve("1")), 911);

        // A's certificate with B's AE title: refused, and the audit trail says whose certificate it was.
        Storescu crossed = storescu(tlsWith(HOSPITAL_A.get()), port, aeB, first.files());
        assertThat(crossed.exit()).isNotZero();
        assertThat(crossed.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(instancesOf(first.studyInstanceUid())).isZero();
        assertThat(lastRefusal(aeB)).contains("registered for CH TLS A " + n + " (hospital " + a + ")",
                "not for CH TLS B " + n + " (hospital " + b + ")", aeB, "CN=ct.hopital-a.example");
        // And B's with A's.
        assertThat(storescu(tlsWith(HOSPITAL_B.get()), port, aeA, first.files()).exit()).isNotZero();
        assertThat(lastRefusal(aeA)).contains("registered for CH TLS B " + n);
        // A hospital with no certificate registered is refused on the TLS port, even with a trusted one.
        assertThat(storescu(tlsWith(HOSPITAL_A.get()), port, aeC, first.files()).exit()).isNotZero();
        assertThat(lastRefusal(aeC)).contains("registered for CH TLS A " + n);
        assertThat(instancesOf(first.studyInstanceUid())).isZero();

        // Each with its own: stored (A by fingerprint, B by subject).
        Storescu ownA = storescu(tlsWith(HOSPITAL_A.get()), port, aeA, first.files());
        assertThat(ownA.exit()).as(ownA.output()).isZero();
        assertThat(instancesOf(first.studyInstanceUid())).isEqualTo(2);
        var second = study(Files.createDirectories(folder.resolve("2")), 912);
        Storescu ownB = storescu(tlsWith(HOSPITAL_B.get()), port, aeB, second.files());
        assertThat(ownB.exit()).as(ownB.output()).isZero();
        assertThat(instancesOf(second.studyInstanceUid())).isEqualTo(2);

        // Networks apply on the TLS port too: A from outside its networks is refused, its certificate kept.
        var current = hospitals.get(a);
        hospitals.update(a, new HospitalRequest(current.name(), current.finess(), null, null, current.aeTitles(),
                null, null, List.of("10.12.0.0/16")), Actor.SYSTEM);
        assertThat(hospitals.get(a).certificateFingerprints()).hasSize(1);
        var third = study(Files.createDirectories(folder.resolve("3")), 913);
        assertThat(storescu(tlsWith(HOSPITAL_A.get()), port, aeA, third.files()).exit()).isNotZero();
        assertThat(lastRefusal(aeA)).contains("outside its registered networks");
        assertThat(instancesOf(third.studyInstanceUid())).isZero();
    }

    @Test
    void servesHttpsWithSecurityHeaders() {
        HttpResponse<String> login = browser().get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.uri().getScheme()).isEqualTo("https");
        assertThat(login.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                assertThat(v).contains("frame-ancestors 'none'").contains("default-src 'self'"));
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(login.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
    }

    @Test
    void aRadiologistEnrolsWithTheQrCodeThenGivesACodeAtEachLogin() throws Exception {
        Person radiologist = person(Role.RADIOLOGIST, null);
        Browser browser = browser();
        HttpResponse<String> login = browser.login(radiologist.username(), radiologist.password());
        assertThat(location(login)).endsWith("/login/second-factor");
        // The password alone opens nothing: pages send back to the code, the API refuses.
        assertThat(location(browser.get("/worklist"))).endsWith("/login/second-factor");
        assertThat(browser.api("GET", "/api/worklist", null, false).statusCode()).isIn(401, 403);
        // A wrong code is refused and the login stays pending.
        HttpResponse<String> page = browser.get("/login/second-factor");
        Matcher m = SECRET.matcher(page.body());
        assertThat(m.find()).isTrue();
        String secret = m.group(1).replace(" ", "");
        String wrong = code(secret, step() + 7);
        assertThat(location(browser.postForm("/login/second-factor", List.of(Map.entry("code", wrong)))))
                .endsWith("/login/second-factor?error");
        assertThat(location(browser.get("/worklist"))).endsWith("/login/second-factor");
        // The right one opens the worklist.
        String first = code(secret, step());
        HttpResponse<String> done = browser.postForm("/login/second-factor", List.of(Map.entry("code", first)));
        assertThat(location(done)).doesNotContain("error");
        assertThat(browser.get("/worklist").statusCode()).isEqualTo(200);
        assertThat(browser.api("GET", "/api/worklist", null, false).statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select totp_secret_sealed is not null from app_user where id = :id")
                .param("id", radiologist.id()).query(Boolean.class).single()).isTrue();

        // Next login: the code page, no QR code any more; the code just used is refused (replay).
        Browser again = browser();
        assertThat(location(again.login(radiologist.username(), radiologist.password()))).endsWith("/login/second-factor");
        HttpResponse<String> codePage = again.get("/login/second-factor");
        assertThat(codePage.body()).doesNotContain("data:image/png").doesNotContain("totp-secret");
        assertThat(location(again.postForm("/login/second-factor", List.of(Map.entry("code", first)))))
                .endsWith("?error");
        // The next step's code (a phone one step ahead) is accepted once.
        String next = code(secret, step() + 1);
        assertThat(location(again.postForm("/login/second-factor", List.of(Map.entry("code", next)))))
                .doesNotContain("error");
        assertThat(again.get("/worklist").statusCode()).isEqualTo(200);
    }

    @Test
    void aPasswordAloneDoesNotOpenTheApiToRolesWithASecondFactor() throws Exception {
        Person coordinator = person(Role.COORDINATOR, null);
        String secret = enrol(browser(), coordinator);
        String basic = ApiClient.basic(coordinator.username(), coordinator.password());
        ApiClient.Response refused = api(basic).get("/api/worklist/all");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("second facteur");
        // A command-line tool sends a fresh code with the password: once.
        String fresh = code(secret, step() + 1);
        assertThat(api(basic).header(SecondFactorApiGuard.CODE_HEADER, fresh).get("/api/worklist/all").status()).isEqualTo(200);
        assertThat(api(basic).header(SecondFactorApiGuard.CODE_HEADER, fresh).get("/api/worklist/all").status()).isEqualTo(401);
        // Nor the pages.
        assertThat(api(basic).get("/coordination/worklist").status()).isEqualTo(401);
        // A hospital physician (no second factor for that role) keeps HTTP Basic.
        Person physician = person(Role.HOSPITAL_PHYSICIAN, hospital());
        assertThat(api(ApiClient.basic(physician.username(), physician.password())).get("/api/requests").status())
                .isEqualTo(200);
    }

    @Test
    void anAdministratorResetsALostSecondFactor() throws Exception {
        Person admin = person(Role.ADMIN, null);
        Browser adminBrowser = browser();
        enrol(adminBrowser, admin);
        Person radiologist = person(Role.RADIOLOGIST, null);
        enrol(browser(), radiologist);
        adminBrowser.get("/admin/users");
        assertThat(adminBrowser.postForm("/admin/users/" + radiologist.id() + "/second-factor/reset", List.of())
                .statusCode()).isEqualTo(302);
        // Enrols again at the next login.
        enrol(browser(), radiologist);
    }

    @Test
    void apiTokensActForTheirHospitalOnlyAndStopWhenRevoked() throws Exception {
        long hospitalA = hospital();
        long hospitalB = hospital();
        Person physicianB = person(Role.HOSPITAL_PHYSICIAN, hospitalB);
        JsonNode requestOfB = RequestFixtures.file(api(ApiClient.basic(physicianB.username(), physicianB.password())),
                RequestFixtures.headCt("B-" + SEQUENCE.incrementAndGet(), "PATIENT_SIGNED"));

        // Created by an administrator through the API, in a session with both factors.
        Person admin = person(Role.ADMIN, null);
        Browser adminBrowser = browser();
        enrol(adminBrowser, admin);
        adminBrowser.get("/admin/tokens");
        HttpResponse<String> created = adminBrowser.api("POST", "/api/tokens",
                "{\"hospitalId\":" + hospitalA + ",\"role\":\"HOSPITAL_PHYSICIAN\",\"name\":\"RIS A\"}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode answer = new ObjectMapper().readTree(created.body());
        String secret = answer.get("secret").asText();
        long tokenId = answer.get("token").get("id").asLong();
        assertThat(secret).startsWith("rlt_");
        // Only the hash is kept.
        byte[] hash = jdbc.sql("select token_hash from api_token where id = :id").param("id", tokenId).query(byte[].class).single();
        assertThat(hash).isEqualTo(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        assertThat(adminBrowser.api("GET", "/api/tokens/" + tokenId, null, false).body()).doesNotContain(secret);

        ApiClient system = api("Bearer " + secret);
        JsonNode filed = RequestFixtures.file(system, RequestFixtures.headCt("A-" + SEQUENCE.incrementAndGet(), "PATIENT_SIGNED"));
        assertThat(system.get("/api/requests/" + filed.get("id").asLong()).status()).isEqualTo(200);
        // Another hospital's request does not exist for it.
        assertThat(system.get("/api/requests/" + requestOfB.get("id").asLong()).status()).isEqualTo(404);
        ApiClient.Response own = system.get("/api/requests");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).doesNotContain("\"id\":" + requestOfB.get("id").asLong() + ",");
        // An administrator's route is not a hospital system's.
        assertThat(system.get("/api/users").status()).isEqualTo(403);

        HttpResponse<String> revoked = adminBrowser.api("POST", "/api/tokens/" + tokenId + "/revoke", null, true);
        assertThat(revoked.statusCode()).isEqualTo(200);
        ApiClient.Response refused = system.get("/api/requests");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(api("Bearer rlt_unknown").get("/api/requests").status()).isEqualTo(401);
        // A revoked token stays revoked.
        assertThat(adminBrowser.api("POST", "/api/tokens/" + tokenId + "/revoke", null, true).statusCode()).isEqualTo(409);
        // Malformed creation: a role that is not a hospital's, no hospital, no name.
        assertThat(adminBrowser.api("POST", "/api/tokens",
                "{\"hospitalId\":" + hospitalA + ",\"role\":\"ADMIN\",\"name\":\"x\"}", true).statusCode()).isEqualTo(400);
        assertThat(adminBrowser.api("POST", "/api/tokens", "{\"role\":\"HOSPITAL_PHYSICIAN\",\"name\":\"x\"}", true)
                .statusCode()).isEqualTo(400);
        assertThat(adminBrowser.api("POST", "/api/tokens",
                "{\"hospitalId\":" + hospitalA + ",\"role\":\"HOSPITAL_PHYSICIAN\",\"name\":\" \"}", true).statusCode()).isEqualTo(400);
        // The service account behind a token never logs in on the page.
        String serviceAccount = jdbc.sql("select u.username from api_token t join app_user u on u.id = t.account_id where t.id = :id")
                .param("id", tokenId).query(String.class).single();
        assertThat(location(browser().login(serviceAccount, "!"))).contains("error");
    }

    @Test
    void aLoginHalfDoneNeverLetsAPasswordStandInForTheCodeWhateverTheSpellingRouteOrMethod() throws Exception {
        Person admin = person(Role.ADMIN, null);
        enrol(browser(), admin);
        Browser half = browser();
        assertThat(location(half.login(admin.username(), admin.password()))).endsWith("/login/second-factor");
        half.get("/login/second-factor");
        String name = admin.username();
        List<String> spellings = List.of(name, Character.toUpperCase(name.charAt(0)) + name.substring(1), name.toUpperCase(),
                " " + name, name + " ");
        List<String> paths = List.of("/api/users", "/api/users/", "/api/users?limit=1", "/api/users/login-failures",
                "/api/audit", "/api/tokens", "/admin/users", "/actuator/prometheus/", "/API/users");
        for (String spelling : spellings) {
            String basic = ApiClient.basic(spelling, admin.password());
            for (String path : paths) {
                for (String method : List.of("GET", "HEAD", "OPTIONS")) {
                    HttpResponse<String> answer = half.withHeaders(method, path, null, "Authorization", basic);
                    assertThat(answer.statusCode() / 100).as(method + " " + path + " as " + spelling).isNotEqualTo(2);
                    assertThat(answer.body()).as(method + " " + path + " as " + spelling).doesNotContain(name + "\"");
                }
            }
            // Nor can it change anything: no account is created.
            String newcomer = "bypass" + SEQUENCE.incrementAndGet();
            HttpResponse<String> create = half.withHeaders("POST", "/api/users", "{\"username\":\"" + newcomer
                    + "\",\"displayName\":\"X\",\"role\":\"ADMIN\",\"password\":\"a-password-long-enough\"}",
                    "Authorization", basic);
            assertThat(create.statusCode() / 100).isNotEqualTo(2);
            assertThat(jdbc.sql("select count(*) from app_user where username = :u").param("u", newcomer)
                    .query(Long.class).single()).isZero();
        }
        // The session is still a login half done: the pages send it to the code.
        HttpResponse<String> page = half.get("/admin/users");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(location(page)).endsWith("/login/second-factor");
        assertThat(half.api("GET", "/api/users", null, false).statusCode()).isIn(401, 403);
    }

    @Test
    void anotherAccountsSessionDoesNotLendItsSecondFactorToAPassword() throws Exception {
        Person admin = person(Role.ADMIN, null);
        enrol(browser(), admin);
        String basic = ApiClient.basic(admin.username(), admin.password());
        // A hospital physician's whole session (no second factor for that role)...
        Person physician = person(Role.HOSPITAL_PHYSICIAN, hospital());
        Browser physicianBrowser = browser();
        assertThat(location(physicianBrowser.login(physician.username(), physician.password()))).doesNotContain("error");
        physicianBrowser.get("/");
        assertThat(physicianBrowser.withHeaders("GET", "/api/users", null, "Authorization", basic).statusCode()).isEqualTo(401);
        // ... or a radiologist's, opened with both factors.
        Person radiologist = person(Role.RADIOLOGIST, null);
        Browser radiologistBrowser = browser();
        enrol(radiologistBrowser, radiologist);
        radiologistBrowser.get("/");
        assertThat(radiologistBrowser.withHeaders("GET", "/api/users", null, "Authorization",
                ApiClient.basic(admin.username().toUpperCase(), admin.password())).statusCode()).isEqualTo(401);
        // Neither session became the administrator's.
        assertThat(physicianBrowser.api("GET", "/api/users", null, false).statusCode()).isEqualTo(403);
        assertThat(radiologistBrowser.api("GET", "/api/users", null, false).statusCode()).isEqualTo(403);
    }

    @Test
    void wrongCodesOverTheApiCountAndAreAuditedLikeThePages() throws Exception {
        Person coordinator = person(Role.COORDINATOR, null);
        String secret = enrol(browser(), coordinator);
        String basic = ApiClient.basic(coordinator.username(), coordinator.password());
        for (int i = 0; i < 3; i++) {
            ApiClient.Response wrong = api(basic).header(SecondFactorApiGuard.CODE_HEADER, code(secret, step() + 7 + i))
                    .get("/api/worklist/all");
            assertThat(wrong.status()).isEqualTo(401);
        }
        assertThat(jdbc.sql("""
                        select count(*) from audit_event
                        where actor = :u and action = 'LOGIN_SECOND_FACTOR' and outcome = 'REJECTED' and detail = 'code (API)'""")
                .param("u", coordinator.username()).query(Long.class).single()).isEqualTo(3);
        // The next try waits, even with the right code...
        ApiClient.Response waiting = api(basic).header(SecondFactorApiGuard.CODE_HEADER, code(secret, step()))
                .get("/api/worklist/all");
        assertThat(waiting.status()).isEqualTo(429);
        assertThat(waiting.raw().headers().firstValue("Retry-After")).isPresent();
        // ... and so does the login page from the same place: one count for both doors.
        assertThat(location(browser().login(coordinator.username(), coordinator.password()))).contains("/login?wait=");
    }

    @Test
    void wrongCodesAtThePageSlowDownThenShutOutTheirSource() throws Exception {
        Person radiologist = person(Role.RADIOLOGIST, null);
        String secret = enrol(browser(), radiologist);
        Browser browser = browser();
        browser.login(radiologist.username(), radiologist.password());
        browser.get("/login/second-factor");
        for (int i = 0; i < 3; i++) {
            assertThat(location(browser.postForm("/login/second-factor", List.of(Map.entry("code", code(secret, step() + 5 + i))))))
                    .endsWith("/login/second-factor?error");
        }
        // The fourth code waits, right or wrong.
        assertThat(location(browser.postForm("/login/second-factor", List.of(Map.entry("code", code(secret, step()))))))
                .contains("/login/second-factor?wait=");
        // Ten failures shut this source out: the login half done ends.
        jdbc.sql("""
                        insert into login_failure (username, source, kind, at)
                        select :u, '127.0.0.1', 'SECOND_FACTOR', now() - interval '1 minute' from generate_series(1, 7)""")
                .param("u", radiologist.username()).update();
        assertThat(location(browser.postForm("/login/second-factor", List.of(Map.entry("code", code(secret, step()))))))
                .endsWith("/login?blocked");
        assertThat(location(browser().login(radiologist.username(), radiologist.password()))).endsWith("/login?blocked");
        jdbc.sql("delete from login_failure where username = :u").param("u", radiologist.username()).update();
    }

}
