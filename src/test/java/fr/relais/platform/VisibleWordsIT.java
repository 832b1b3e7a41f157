package fr.relais.platform;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.report.ReportFixtures;
import fr.relais.request.RequestFixtures;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import fr.relais.worklist.WorklistService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.HtmlUtils;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Words a user reads: every page, fetched as each role, holds no name of an enum constant of the
 * code (a state, a role, an outcome...). The names come from the enums themselves, so that names in
 * capitals that are data (accession numbers, patients' names, series descriptions) are not mistaken
 * for them. Pages are found the way a user finds them: every page route of the application as a
 * start, then every link of every page reached.
 */
class VisibleWordsIT extends BaseIntegrationTest {

    /** Constants that are also the domain's own words, shown as such on purpose. */
    private static final Set<String> DOMAIN_WORDS = Set.of(
            "DICOM", // the standard's name, on the pages of destinations and AI engines
            "HTTP",
            "ONNX"); // the model format an AI engine runs

    /** Page routes no role reaches by a link or by their address alone, and why. */
    private static final Map<String, String> NOT_REACHED = Map.of(
            "/login/second-factor", "the second factor's page is reached only by a login that needs one (StrictSecurityIT)");

    private static final Pattern HREF = Pattern.compile("href=\"(/[^\"#]*)\"");
    private static final Pattern VISIBLE_ATTRIBUTE = Pattern.compile(
            "\\s(?:title|placeholder|alt|aria-label)=\"([^\"]*)\"");
    private static final Pattern BUTTON_VALUE = Pattern.compile(
            "<input[^>]*type=\"(?:submit|button)\"[^>]*value=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern INVISIBLE = Pattern.compile(
            "(?is)<!--.*?-->|<script\\b.*?</script>|<style\\b.*?</style>|<head\\b.*?</head>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    Sealer sealer;

    /** The hospital of this test's night. */
    private long hospital;

    @Autowired
    WorklistService worklistService;

    @Test
    void noPageShowsTheNameOfAnEnumConstantToAnyRole() throws IOException {
        Map<String, String> constants = enumConstants();
        assertThat(constants).as("enum constants found in the code").containsKeys("READY", "RADIOLOGIST", "PROTOCOLED");

        Map<Role, TestAccount> accounts = aNightInProgress();
        Set<String> pageRoutes = pageRoutes();

        Map<String, Set<String>> found = new TreeMap<>();
        Set<String> reachedRoutes = new TreeSet<>();
        for (Map.Entry<Role, TestAccount> role : accounts.entrySet()) {
            Browser browser = browser().loggedInAs(role.getValue().username(), role.getValue().password());
            crawl(browser, role.getKey().name(), pageRoutes, constants, found, reachedRoutes);
        }
        crawl(browser(), "anonymous", Set.of("/login"), constants, found, reachedRoutes);
        // This night's hospital, whatever other tests left before it in the lists (they are cut at 3 per route).
        Browser admin = browser().loggedInAs(accounts.get(Role.ADMIN).username(), accounts.get(Role.ADMIN).password());
        Set<String> ours = new LinkedHashSet<>(pageRoutes);
        ours.add("/admin/hospitals/" + hospital + "/edit");
        crawl(admin, "ADMIN", ours, constants, found, reachedRoutes);

        Set<String> unreached = new TreeSet<>(pageRoutes);
        unreached.removeAll(reachedRoutes);
        unreached.removeAll(NOT_REACHED.keySet());
        assertThat(unreached).as("page routes no role reached, so not scanned").isEmpty();
        assertThat(found).as("internal names on pages (page as role → constant of enum)").isEmpty();
    }

    @Test
    void refusalsNameStatesInWordsNotByTheirConstants() throws IOException {
        Map<String, String> constants = enumConstants();
        Map<Role, TestAccount> accounts = aNightInProgress();
        TestAccount physician = accounts.get(Role.HOSPITAL_PHYSICIAN);
        TestAccount radiologist = accounts.get(Role.RADIOLOGIST);
        JsonNode filed = RequestFixtures.file(as(physician), RequestFixtures.headCt(unique("IPP-WORDS"), "PATIENT_SIGNED"));
        long id = filed.get("id").asLong();
        RequestFixtures.accept(jdbc, as(radiologist), id);

        // Each refusal a person meets when the request moved on meanwhile (two regulators, a late cancel).
        List<fr.relais.ApiClient.Response> refusals = List.of(
                as(radiologist).post("/api/requests/" + id + "/refuse", Map.of("text", "Trop tard.")),
                as(radiologist).post("/api/requests/" + id + "/ask", Map.of("text", "Trop tard.")),
                as(radiologist).post("/api/requests/" + id + "/accept", Map.of("text", "Crâne sans injection")));
        for (fr.relais.ApiClient.Response refusal : refusals) {
            assertThat(refusal.status()).as(refusal.body()).isEqualTo(409);
            String detail = refusal.json().path("detail").asText();
            assertThat(detail).as("the refusal says what happened").contains("Protocole validé");
            assertThat(words(detail)).as(detail).noneMatch(constants::containsKey);
        }
    }

    /**
     * Fetches the start pages and every page they link to, as this browser's user; records each
     * enum constant name found in a page's visible text.
     */
    private void crawl(Browser browser, String who, Set<String> starts, Map<String, String> constants,
                       Map<String, Set<String>> found, Set<String> reachedRoutes) {
        // The home page, and an address that exists for nobody: the error page is a page too.
        Deque<String> queue = new ArrayDeque<>(List.of("/", "/reading/exams/0/viewer", "/nulle-part"));
        queue.addAll(starts.stream().filter(r -> !r.contains("{")).toList());
        Set<String> seen = new LinkedHashSet<>(queue);
        Map<String, Integer> perRoute = new HashMap<>();
        while (!queue.isEmpty()) {
            String path = queue.poll();
            HttpResponse<String> page = browser.get(path);
            String type = page.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("text/html")) {
                continue;
            }
            String route = page.statusCode() == 200 ? routeOf(path, starts) : "/error";
            if (route != null) {
                reachedRoutes.add(route);
            }
            String html = page.body();
            String text = visibleText(html);
            Matcher word = WORD.matcher(text);
            while (word.find()) {
                if (constants.containsKey(word.group()) && !DOMAIN_WORDS.contains(word.group())) {
                    String around = text.substring(Math.max(0, word.start() - 40), Math.min(text.length(), word.end() + 20))
                            .replaceAll("\\s+", " ");
                    found.computeIfAbsent(path + " as " + who, k -> new TreeSet<>())
                            .add(word.group() + " (" + constants.get(word.group()) + ") in «" + around + "»");
                }
            }
            Matcher link = HREF.matcher(html);
            while (page.statusCode() == 200 && link.find()) {
                String target = HtmlUtils.htmlUnescape(link.group(1));
                String targetRoute = routeOf(target, starts);
                String key = targetRoute != null ? targetRoute : target.replaceAll("\\d+", "#");
                if (followed(target) && perRoute.merge(key, 1, Integer::sum) <= 3 && seen.add(target)) {
                    queue.add(target);
                }
            }
        }
    }

    /** Links to pages: not downloads, streams, APIs, static files, nor the way out. */
    private static boolean followed(String path) {
        String bare = path.replaceAll("\\?.*", "");
        return !bare.startsWith("/api/") && !bare.startsWith("/live/") && !bare.startsWith("/actuator")
                && !bare.startsWith("/dicomweb") && !bare.startsWith("/fhir") && !bare.equals("/logout")
                && !bare.matches(".*\\.(css|js|png|svg|ico|pdf|csv|txt|json|dcm|woff2?)$")
                && !bare.endsWith("/export") && !bare.endsWith("/download");
    }

    /** The route template (e.g. /regulation/{id}) a path is an instance of, or null. */
    private static String routeOf(String path, Set<String> routes) {
        String bare = path.replaceAll("\\?.*", "");
        for (String route : routes) {
            String regex = Pattern.quote(route).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (bare.matches(regex)) {
                return route;
            }
        }
        return null;
    }

    /** The text a reader sees: text and the attributes shown as text, without scripts and styles. */
    static String visibleText(String html) {
        StringBuilder text = new StringBuilder();
        Matcher attribute = VISIBLE_ATTRIBUTE.matcher(html);
        while (attribute.find()) {
            text.append(' ').append(attribute.group(1));
        }
        Matcher button = BUTTON_VALUE.matcher(html);
        while (button.find()) {
            text.append(' ').append(button.group(1));
        }
        text.append(' ').append(TAG.matcher(INVISIBLE.matcher(html).replaceAll(" ")).replaceAll(" "));
        return HtmlUtils.htmlUnescape(text.toString());
    }

    /** The words of a text, as the enum constants are written (letters, digits and _). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher word = WORD.matcher(text);
        while (word.find()) {
            words.add(word.group());
        }
        return words;
    }

    /**
     * The GET routes of the application that answer with a page (a view of a @Controller, not a
     * @ResponseBody), e.g. /admin/hospitals/{id}/edit.
     */
    private Set<String> pageRoutes() {
        Set<String> routes = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = mapping.getKey();
            HandlerMethod handler = mapping.getValue();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            boolean get = methods.isEmpty() || methods.contains(RequestMethod.GET);
            boolean page = AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), Controller.class)
                    && !AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), ResponseBody.class)
                    && !handler.hasMethodAnnotation(ResponseBody.class)
                    && info.getProducesCondition().getProducibleMediaTypes().stream()
                            .noneMatch(m -> m.getSubtype().contains("json") || m.getSubtype().contains("event-stream"))
                    && (String.class.equals(handler.getReturnType().getParameterType())
                            || org.springframework.web.servlet.ModelAndView.class.equals(handler.getReturnType().getParameterType()));
            if (get && page) {
                info.getPatternValues().stream().filter(VisibleWordsIT::followed).forEach(routes::add);
            }
        }
        assertThat(routes).as("page routes").contains("/", "/worklist", "/admin/hospitals");
        return routes;
    }

    /** Every enum constant name of the application's code (3 characters or more), with its enum's name. */
    private static Map<String, String> enumConstants() throws IOException {
        Map<String, String> constants = new TreeMap<>();
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        for (Resource resource : resolver.getResources("classpath*:fr/relais/**/*.class")) {
            String url = resource.getURL().toString();
            // The command-line simulators' enums (fr.relais.sim) never reach a page; theirs are
            // words of the data (HEAD is in a series description too).
            if (url.contains("/test-classes/") || url.contains("fr/relais/sim/")) {
                continue;
            }
            String name = url.substring(url.indexOf("fr/relais/")).replaceAll("\\.class$", "").replace('/', '.');
            Class<?> type;
            try {
                type = Class.forName(name, false, VisibleWordsIT.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    String constantName = ((Enum<?>) constant).name();
                    if (constantName.length() >= 3 && constantName.chars().anyMatch(Character::isLetter)) {
                        constants.putIfAbsent(constantName, type.getSimpleName());
                    }
                }
            }
        }
        return constants;
    }

    /**
     * A hospital in the middle of a night: requests filed, refused, asked about and accepted; exams
     * waiting, read and signed (one critical); an account of every role.
     */
    private Map<Role, TestAccount> aNightInProgress() {
        String ae = uniqueAeTitle("WORDS");
        hospital = createHospital(unique("CH Mots"), ae);
        for (Map<String, Object> destination : List.of(
                Map.<String, Object>of("kind", "HL7_MLLP", "label", "RIS des urgences", "host", "127.0.0.1", "port", 2575,
                        "remoteName", "RIS"),
                Map.<String, Object>of("kind", "DICOM_STORE", "label", "PACS", "host", "127.0.0.1", "port", 11113,
                        "remoteName", "PACS_MOTS"))) {
            assertThat(admin().post("/api/hospitals/" + hospital + "/destinations", destination).status()).isEqualTo(201);
        }
        Map<Role, TestAccount> accounts = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            accounts.put(role, account(role, role.isHospitalRole() ? hospital : null));
        }
        TestAccount physician = accounts.get(Role.HOSPITAL_PHYSICIAN);
        TestAccount radiologist = accounts.get(Role.RADIOLOGIST);

        RequestFixtures.file(as(physician), RequestFixtures.headCt(unique("IPP-WORDS"), "PATIENT_SIGNED"));
        JsonNode asked = RequestFixtures.file(as(physician), RequestFixtures.headCt(unique("IPP-WORDS"), "PATIENT_SIGNED"));
        JsonNode refused = RequestFixtures.file(as(physician), RequestFixtures.headCt(unique("IPP-WORDS"), "PATIENT_SIGNED"));
        RequestFixtures.authoriseFor(jdbc, radiologist.username(), asked.get("id").asLong());
        as(radiologist).post("/api/requests/" + asked.get("id").asLong() + "/ask", Map.of("text", "Créatininémie ?"));
        as(radiologist).post("/api/requests/" + refused.get("id").asLong() + "/refuse", Map.of("text", "IRM plus adaptée."));

        ReportFixtures reports = new ReportFixtures(jdbc, sealer, worklistService);
        reports.onDuty(radiologist.id(), hospital, reports.center(unique("Centre mots")));
        Instant now = Instant.now();
        reports.readyExam(hospital, physician.id(), now.minusSeconds(600));
        long read = reports.readyExam(hospital, physician.id(), now.minusSeconds(900));
        long signed = reports.readyExam(hospital, physician.id(), now.minusSeconds(1200));
        ReportFixtures.claim(as(radiologist), signed);
        ReportFixtures.sign(as(radiologist), signed, false);
        long critical = reports.readyExam(hospital, physician.id(), now.minusSeconds(1500));
        ReportFixtures.claim(as(radiologist), critical);
        ReportFixtures.sign(as(radiologist), critical, true);
        ReportFixtures.claim(as(radiologist), read);
        return accounts;
    }

    /** An account whose display name is a person's, as an admin gives it (the shared helper's names the role). */
    private TestAccount account(Role role, Long hospital) {
        String username = unique("mots").replace(' ', '.') + "." + role.ordinal();
        String password = "password-of-" + username;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("displayName", "Dr Camille Mots " + role.ordinal());
        body.put("role", role.name());
        body.put("hospitalId", hospital);
        body.put("password", password);
        long id = admin().post("/api/users", body).json().get("id").asLong();
        return new TestAccount(id, username, password, role);
    }
}
