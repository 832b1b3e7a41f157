package fr.relais.security;

import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.reading.ReadableStudies;
import fr.relais.report.ReportFixtures;
import fr.relais.reading.ReadableStudies.ReadyExam;
import fr.relais.sim.SyntheticCt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route × every role × own and other hospital. The reads (GET) are asked with the real ids
 * of one hospital's exam (claimed by a radiologist, with its images), by: an administrator, a
 * coordinator, a billing officer, the radiologist reading it, a radiologist authorised for another
 * hospital only, a physician and a technologist of the exam's hospital, and the same of another
 * hospital. Writes are sent only by those who must be refused (so that nothing changes), with ids
 * that do not exist. What each one gets is compared with authorization-matrix.txt (a route added,
 * or a guard changed, shows here); on top of that table, rules that hold whatever it says:
 * another hospital's people and radiologists never read the exam, nobody but an admin opens /admin.
 */
class AuthorizationMatrixIT extends BaseIntegrationTest {

    /** Who asks; "own" ones belong to (or read for) the exam's hospital. */
    enum Who { ADMIN, COORDINATOR, BILLING, RADIOLOGIST_OWN, RADIOLOGIST_OTHER, PHYSICIAN_OWN, PHYSICIAN_OTHER,
        TECHNOLOGIST_OWN, TECHNOLOGIST_OTHER }

    private static final Set<String> OPEN = Set.of("/login", "/error");
    /** Writes that need no object, harmless here: a dry run, a verification, the test's own radiologists. */
    private static final Set<String> ACT_WITHOUT_AN_OBJECT = Set.of("POST /api/retention/purge", "POST /api/audit/verify",
            "POST /api/presence/check-out", "POST /api/worklist/next");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void everyRouteAnswersEachRoleAsTheMatrixSays() throws Exception {
        String ae = uniqueAeTitle("MX");
        long hospital = createHospital(unique("CH Matrice"), ae);
        long otherHospital = createHospital(unique("CH Autre Matrice"), uniqueAeTitle("MXO"));
        Map<Who, TestAccount> accounts = new LinkedHashMap<>();
        accounts.put(Who.COORDINATOR, createAccount(Role.COORDINATOR, null));
        accounts.put(Who.BILLING, createAccount(Role.BILLING, null));
        accounts.put(Who.RADIOLOGIST_OWN, createAccount(Role.RADIOLOGIST, null));
        accounts.put(Who.RADIOLOGIST_OTHER, createAccount(Role.RADIOLOGIST, null));
        accounts.put(Who.PHYSICIAN_OWN, createAccount(Role.HOSPITAL_PHYSICIAN, hospital));
        accounts.put(Who.PHYSICIAN_OTHER, createAccount(Role.HOSPITAL_PHYSICIAN, otherHospital));
        accounts.put(Who.TECHNOLOGIST_OWN, createAccount(Role.HOSPITAL_TECHNOLOGIST, hospital));
        accounts.put(Who.TECHNOLOGIST_OTHER, createAccount(Role.HOSPITAL_TECHNOLOGIST, otherHospital));
        TestAccount reader = accounts.get(Who.RADIOLOGIST_OWN);
        ReadyExam exam = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(accounts.get(Who.PHYSICIAN_OWN)),
                as(reader), unique("IPP-MX"), SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(811),
                work.resolve("study"));
        long center = ReadableStudies.center(jdbc, unique("Centre Matrice"));
        ReadableStudies.onDuty(jdbc, reader.id(), hospital, center);
        ReadableStudies.onDuty(jdbc, accounts.get(Who.RADIOLOGIST_OTHER).id(), otherHospital, center);
        // A second exam of the hospital, read and signed: the routes of reports are asked about it.
        ReadyExam signed = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), ae, as(accounts.get(Who.PHYSICIAN_OWN)),
                as(reader), unique("IPP-MXS"), SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(812),
                work.resolve("signed"));
        ReportFixtures.claim(as(reader), signed.examId());
        ApiClient.Response draft = as(reader).put("/api/exams/" + signed.examId() + "/report",
                ReportFixtures.draft(0, "Pas d’anomalie.", "Normal."));
        assertThat(draft.status()).as(draft.body()).isEqualTo(200);
        assertThat(as(reader).post("/api/exams/" + signed.examId() + "/report/sign",
                Map.of("version", draft.json().get("version").asInt())).status()).isEqualTo(200);
        ReportFixtures.claim(as(reader), exam.examId());

        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("exam", String.valueOf(exam.examId()));
        ids.put("hospital", String.valueOf(hospital));
        ids.put("study", exam.study().studyInstanceUid());
        ids.put("series", exam.study().seriesInstanceUid());
        ids.put("instance", exam.study().instances().get(0).sopInstanceUid());
        ids.put("user", String.valueOf(reader.id()));
        ids.put("center", String.valueOf(center));
        ids.put("signedExam", String.valueOf(signed.examId()));
        ids.put("report", String.valueOf(jdbc.sql("select id from report where exam_id = :e").param("e", signed.examId())
                .query(Long.class).single()));
        ids.put("accession", jdbc.sql("select accession_number from exam_request where exam_id = :e").param("e", signed.examId())
                .query(String.class).single());

        Map<Who, String> authorizations = new LinkedHashMap<>();
        authorizations.put(Who.ADMIN, ApiClient.basic("admin", ADMIN_PASSWORD));
        accounts.forEach((who, account) -> authorizations.put(who, ApiClient.basic(account.username(), account.password())));

        // Reads first, then writes, each in the order of the table: the writes that act (a check-out)
        // come after every read, and always in the same order.
        TreeMap<String, RequestMethod> routes = new TreeMap<>((a, b) -> {
            boolean readA = a.startsWith("GET "), readB = b.startsWith("GET ");
            return readA != readB ? (readA ? -1 : 1) : a.compareTo(b);
        });
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (!OPEN.contains(pattern)) {
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        routes.put(method + " " + pattern, method);
                    }
                }
            }
        }
        Map<String, Map<Who, String>> observed = new TreeMap<>();
        List<String> leaks = new ArrayList<>();
        routes.forEach((route, method) -> {
            String pattern = route.substring(route.indexOf(' ') + 1);
            boolean read = method == RequestMethod.GET;
            Map<Who, String> row = new LinkedHashMap<>();
            for (Who who : Who.values()) {
                String path = read ? substitute(pattern, ids) : substitute(pattern, Map.of());
                int status = send(method, path, authorizations.get(who));
                row.put(who, outcome(status));
                if (read && status / 100 == 2 && pattern.contains("{") && mustNotRead(who, pattern)) {
                    leaks.add(route + " served " + status + " to " + who);
                }
                if (!read && status / 100 == 2 && !ACT_WITHOUT_AN_OBJECT.contains(route)) {
                    leaks.add(route + " with a missing id answered " + status + " to " + who);
                }
            }
            observed.put(route, row);
        });
        String table = format(observed);
        System.out.println("---- authorization matrix as observed ----\n" + table);
        assertThat(leaks).as("reads of another hospital's exam, or writes on nothing").isEmpty();
        // Lists and searches answer everyone, each with what is theirs: the exams are in no one else's.
        for (Who who : List.of(Who.PHYSICIAN_OTHER, Who.TECHNOLOGIST_OTHER, Who.RADIOLOGIST_OTHER, Who.BILLING)) {
            ApiClient client = who == Who.ADMIN ? admin() : as(accounts.get(who));
            for (String list : List.of("/api/requests", "/api/justification-queue", "/api/worklist",
                    "/dicomweb/studies", "/fhir/DiagnosticReport?identifier=" + ids.get("accession"))) {
                ApiClient.Response answer = client.get(list);
                String body = answer.body() == null ? "" : answer.body();
                assertThat(body).as(who + " " + list).doesNotContain(ids.get("study"), ids.get("accession"),
                        "\"id\":" + exam.examId() + ",", "\"id\":" + signed.examId() + ",");
            }
        }
        String ownBundle = as(accounts.get(Who.PHYSICIAN_OWN)).get("/fhir/DiagnosticReport?identifier=" + ids.get("accession")).body();
        assertThat(ownBundle).as("the positive control: the hospital finds its own report").contains(ids.get("accession"));
        assertThat(observed).hasSizeGreaterThan(100);
        assertThat(table).isEqualTo(expected());
    }

    /**
     * Another hospital's people, and a radiologist not reading it, never read the exam or its images;
     * nobody but himself, billing and admins reads a radiologist's statement.
     */
    private static boolean mustNotRead(Who who, String pattern) {
        boolean examData = pattern.contains("{examId}") || pattern.contains("{study}") || pattern.contains("{studyUid}")
                || pattern.matches(".*/(exams|requests|regulation)/\\{id}.*");
        boolean examReader = who == Who.PHYSICIAN_OTHER || who == Who.TECHNOLOGIST_OTHER || who == Who.RADIOLOGIST_OTHER
                || who == Who.BILLING;
        // The reading radiologist's production statement is his, the billing team's and the admins'.
        boolean statement = pattern.contains("{radiologistId}");
        return examData && examReader || statement && who != Who.RADIOLOGIST_OWN && who != Who.BILLING && who != Who.ADMIN;
    }

    private static String substitute(String pattern, Map<String, String> ids) {
        String missing = "999999999";
        String path = pattern;
        if (pattern.contains("/report") || pattern.startsWith("/fhir/")) {
            // Routes about a report are asked about the signed exam and its report.
            Map<String, String> aboutTheReport = new LinkedHashMap<>(ids);
            if (ids.containsKey("signedExam")) {
                aboutTheReport.put("exam", ids.get("signedExam"));
            }
            ids = aboutTheReport;
            if (pattern.equals("/fhir/DiagnosticReport/{id}")) {
                return path.replace("{id}", ids.getOrDefault("report", missing));
            }
            if (pattern.equals("/fhir/DiagnosticReport") && ids.containsKey("accession")) {
                return path + "?identifier=" + ids.get("accession");
            }
        }
        path = path.replaceAll("\\{(study|studyUid)}", ids.getOrDefault("study", "1.2.999"));
        path = path.replaceAll("\\{series}", ids.getOrDefault("series", "1.2.999"));
        path = path.replaceAll("\\{instance}", ids.getOrDefault("instance", "1.2.999"));
        path = path.replaceAll("\\{frames?}", "1");
        path = path.replaceAll("\\{(hospitalId|h)}", ids.getOrDefault("hospital", missing));
        path = path.replaceAll("\\{(userId|radiologistId)}", ids.getOrDefault("user", missing));
        path = path.replaceAll("\\{examId}", ids.getOrDefault("exam", missing));
        // {id} names what the path is about: the exam (its request has the same id), the hospital,
        // the reading radiologist's account, the center; anything else (destinations, deliveries,
        // tokens, tasks) a number that names nothing.
        String idKey = path.matches("/(api|admin)/hospitals/\\{id}.*") ? "hospital"
                : path.matches("/(api|admin)/(users|radiologists)/\\{id}.*") ? "user"
                : path.matches("/(api|admin)/centers/\\{id}.*") ? "center"
                : path.matches(".*/(requests|regulation|worklist|exams)/\\{id}.*") ? "exam"
                : "none";
        path = path.replace("{id}", ids.getOrDefault(idKey, missing));
        path = path.replaceAll("\\{[^}]+}", "x").replace("/**", "/x");
        if (path.matches("/(api/)?billing/.*")) {
            path += "?month=" + java.time.YearMonth.now(java.time.ZoneId.of("Europe/Paris"));
        }
        return path;
    }

    private int send(RequestMethod method, String path, String authorization) {
        boolean machine = path.startsWith("/api") || path.startsWith("/dicomweb") || path.startsWith("/fhir");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", machine ? "application/json" : "text/html")
                .header("Authorization", authorization);
        if (method == RequestMethod.GET || method == RequestMethod.DELETE) {
            request.method(method.name(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method.name(), HttpRequest.BodyPublishers.ofString("{}"));
        }
        if (path.endsWith("/events") || path.endsWith("/stream")) {
            request.timeout(java.time.Duration.ofSeconds(2));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.http.HttpTimeoutException streaming) {
            return 200;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * ok (2xx, 3xx: served), no (403), none (404: not there for them), bad (400: the empty body was
     * refused before the role was looked at, which method security does after reading the body), or
     * the status itself.
     */
    private static String outcome(int status) {
        return status < 400 ? "ok" : switch (status) {
            case 400 -> "bad";
            case 403 -> "no";
            case 404 -> "none";
            default -> String.valueOf(status);
        };
    }

    private static String format(Map<String, Map<Who, String>> observed) {
        StringBuilder out = new StringBuilder("# route");
        for (Who who : Who.values()) {
            out.append('\t').append(who.name().toLowerCase());
        }
        out.append('\n');
        observed.forEach((route, row) -> {
            out.append(route);
            row.values().forEach(v -> out.append('\t').append(v));
            out.append('\n');
        });
        return out.toString();
    }

    private static String expected() throws IOException {
        try (InputStream in = AuthorizationMatrixIT.class.getResourceAsStream("/authorization-matrix.txt")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
