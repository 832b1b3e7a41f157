package fr.relais.roster;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.Browser;
import fr.relais.security.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The night-shift planning over the API and its page, and the check-in that fulfils a planned shift. */
class ShiftIT extends BaseIntegrationTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private TestAccount anna;
    private TestAccount bruno;
    private TestAccount chloe;
    private YearMonth next;

    @BeforeEach
    void setUp() {
        anna = createAccount(Role.RADIOLOGIST, null);
        bruno = createAccount(Role.RADIOLOGIST, null);
        chloe = createAccount(Role.RADIOLOGIST, null);
        next = YearMonth.now(PARIS).plusMonths(1);
    }

    private static ApiClient.Response signUp(ApiClient as, long center, LocalDate night) {
        return as.post("/api/shifts", Map.of("centerId", center, "night", night.toString()));
    }

    private ApiClient.Response assign(TestAccount who, long center, LocalDate night) {
        return admin().post("/api/shifts", Map.of("centerId", center, "night", night.toString(), "userId", who.id()));
    }

    private JsonNode calendar(YearMonth month) {
        ApiClient.Response response = admin().get("/api/shifts?month=" + month);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode night(JsonNode calendar, long center, LocalDate date) {
        for (JsonNode c : calendar.get("centers")) {
            if (c.get("centerId").asLong() == center) {
                for (JsonNode n : c.get("nights")) {
                    if (n.get("date").asText().equals(date.toString())) {
                        return n;
                    }
                }
            }
        }
        throw new AssertionError("no night " + date + " for center " + center);
    }

    private static List<String> problems(JsonNode calendar, String centerName, LocalDate night) {
        List<String> found = new ArrayList<>();
        for (JsonNode p : calendar.get("problems")) {
            if (p.get("night").asText().equals(night.toString()) && p.get("centerName").asText().contains(centerName)) {
                found.add(p.get("kind").asText() + " " + p.get("count").asInt());
            }
        }
        return found;
    }

    @Test
    void radiologistsPutTheirNamesDownOnFreeSeatsAndAdministratorsSeeGapsAndOverBookings() {
        String name = unique("Centre Planning");
        String otherName = unique("Centre Autre");
        long center = RosterFixtures.createCenter(admin(), name, 2);
        long other = RosterFixtures.createCenter(admin(), otherName, 3);
        LocalDate fifth = next.atDay(5);

        ApiClient.Response first = signUp(as(anna), center, fifth);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("seat").asInt()).isEqualTo(1);
        assertThat(Instant.parse(first.json().get("startsAt").asText()))
                .isEqualTo(fifth.atTime(20, 0).atZone(PARIS).toInstant());
        assertThat(Instant.parse(first.json().get("endsAt").asText()))
                .isEqualTo(fifth.plusDays(1).atTime(8, 0).atZone(PARIS).toInstant());
        assertThat(signUp(as(bruno), center, fifth).json().get("seat").asInt()).isEqualTo(2);

        ApiClient.Response full = signUp(as(chloe).language("en"), center, fifth);
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.json().get("detail").asText()).contains("is full");
        ApiClient.Response twice = signUp(as(anna).language("en"), other, fifth);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("detail").asText()).contains("already down");
        assertThat(signUp(as(anna), center, LocalDate.now(PARIS).minusDays(2)).status()).isEqualTo(409);

        JsonNode month = calendar(next);
        assertThat(night(month, center, fifth).get("gaps").asInt()).isZero();
        assertThat(night(month, center, fifth).get("planned")).hasSize(2);
        assertThat(problems(month, name, fifth)).isEmpty();
        assertThat(problems(month, name, next.atDay(6))).containsExactly("GAP 2");
        // Last month's nights are over: their empty seats are shown, but are no problem to fix any more.
        YearMonth last = YearMonth.now(PARIS).minusMonths(1);
        JsonNode before = calendar(last);
        assertThat(night(before, center, last.atDay(6)).get("gaps").asInt()).isEqualTo(2);
        assertThat(problems(before, name, last.atDay(6))).isEmpty();

        // the administrator plans beyond the seats, and one radiologist twice the same night
        assertThat(assign(chloe, center, fifth).status()).isEqualTo(201);
        assertThat(assign(anna, other, fifth).status()).isEqualTo(201);
        month = calendar(next);
        JsonNode overbooked = night(month, center, fifth);
        assertThat(overbooked.get("overbooked").asBoolean()).isTrue();
        assertThat(overbooked.get("planned")).hasSize(3);
        assertThat(overbooked.get("planned").get(2).get("seat").asInt()).isEqualTo(3);
        assertThat(problems(month, name, fifth)).contains("OVERBOOKED 1", "TWICE 2");
        assertThat(problems(month, otherName, fifth)).contains("GAP 2", "TWICE 2");

        // withdrawing: one's own only, and the calendar follows
        long annasOther = night(month, other, fifth).get("planned").get(0).get("id").asLong();
        long brunos = overbooked.get("planned").get(1).get("id").asLong();
        assertThat(as(anna).delete("/api/shifts/" + brunos).status()).isEqualTo(403);
        assertThat(as(anna).delete("/api/shifts/" + annasOther).status()).isEqualTo(204);
        assertThat(as(bruno).delete("/api/shifts/" + brunos).status()).isEqualTo(204);
        assertThat(as(bruno).delete("/api/shifts/" + brunos).status()).isEqualTo(404);
        month = calendar(next);
        assertThat(night(month, center, fifth).get("overbooked").asBoolean()).isFalse();
        assertThat(problems(month, name, fifth)).isEmpty();
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'SHIFT_WITHDRAWN' and actor = :u")
                .param("u", bruno.username()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theCentersOwnClockAndHoursSetTheNight() {
        long center = RosterFixtures.createCenter(admin(), unique("Centre Saint-Denis"), 4);
        ApiClient.Response set = admin().put("/api/centers/" + center + "/night-hours",
                Map.of("timeZone", "Indian/Reunion", "starts", "19:00", "ends", "07:00"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        LocalDate night = next.atDay(12);
        ApiClient.Response planned = signUp(as(anna), center, night);
        assertThat(Instant.parse(planned.json().get("startsAt").asText()))
                .isEqualTo(night.atTime(19, 0).atZone(ZoneId.of("Indian/Reunion")).toInstant());
        assertThat(Instant.parse(planned.json().get("endsAt").asText()))
                .isEqualTo(night.plusDays(1).atTime(7, 0).atZone(ZoneId.of("Indian/Reunion")).toInstant());
        for (Map<String, String> wrong : List.of(Map.of("timeZone", "Mars/Olympus", "starts", "19:00", "ends", "07:00"),
                Map.of("timeZone", "Europe/Paris", "starts", "25:00", "ends", "07:00"),
                Map.of("timeZone", "Europe/Paris", "starts", "20:00", "ends", "20:00"))) {
            ApiClient.Response refused = admin().put("/api/centers/" + center + "/night-hours", wrong);
            assertThat(refused.status()).as(wrong.toString()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
        assertThat(admin().get("/api/centers/" + center + "/night-hours").json().get("timeZone").asText())
                .isEqualTo("Indian/Reunion");
        assertThat(as(anna).put("/api/centers/" + center + "/night-hours",
                Map.of("timeZone", "Europe/Paris", "starts", "20:00", "ends", "08:00")).status()).isEqualTo(403);
    }

    @Test
    void aCheckInLinksToThePlannedShiftAndOneWithoutIsFlagged() {
        long center = RosterFixtures.createCenter(admin(), unique("Centre Ce Soir"), 3);
        // tonight's shift starts within the hour, so that checking in now fulfils it
        ZonedDateTime start = ZonedDateTime.now(PARIS).plusMinutes(61).truncatedTo(ChronoUnit.MINUTES);
        LocalTime starts = start.toLocalTime();
        assertThat(admin().put("/api/centers/" + center + "/night-hours", Map.of("timeZone", "Europe/Paris",
                "starts", starts.toString(), "ends", starts.plusHours(12).toString())).status()).isEqualTo(200);
        ApiClient.Response planned = signUp(as(anna), center, start.toLocalDate());
        assertThat(planned.status()).as(planned.body()).isEqualTo(201);
        long shift = planned.json().get("id").asLong();

        ApiClient.Response annaIn = as(anna).post("/api/presence/check-in", Map.of("centerId", center));
        assertThat(annaIn.status()).as(annaIn.body()).isIn(200, 201);
        assertThat(annaIn.json().get("plannedShiftId").asLong()).isEqualTo(shift);
        assertThat(annaIn.json().get("planned").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(annaIn.json().get("shiftEndsAt").asText()))
                .as("held until the planned shift ends, not 08:00")
                .isEqualTo(java.time.OffsetDateTime.parse(planned.json().get("endsAt").asText()).toInstant());
        ApiClient.Response brunoIn = as(bruno).post("/api/presence/check-in", Map.of("centerId", center));
        assertThat(brunoIn.json().get("plannedShiftId").isNull()).isTrue();
        assertThat(brunoIn.json().get("planned").asBoolean()).isFalse();
        assertThat(jdbc.sql("select detail from audit_event where action = 'PRESENCE_CHECK_IN' and actor = :u order by id desc limit 1")
                .param("u", bruno.username()).query(String.class).single()).contains("no planned shift");

        HttpResponse<String> board = browser().loggedInAs("admin", ADMIN_PASSWORD).get("/coordination/presence");
        assertThat(board.body()).contains("hors planning");
    }

    @Test
    void malformedOrdersAndStrangersAreRefused() {
        long center = RosterFixtures.createCenter(admin(), unique("Centre Refus"), 2);
        for (String month : List.of("2026-13", "12-2026", "x")) {
            ApiClient.Response response = admin().get("/api/shifts?month=" + month);
            assertThat(response.status()).as(month).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        ApiClient.Response badNight = as(anna).post("/api/shifts", Map.of("centerId", center, "night", "05/12/2026"));
        assertThat(badNight.status()).isEqualTo(400);
        assertThat(as(anna).post("/api/shifts", Map.of("centerId", 999_999_999, "night", next.atDay(3).toString())).status())
                .isEqualTo(400);
        long hospital = createHospital(unique("CH Planning"), uniqueAeTitle("PLN"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        TestAccount billing = createAccount(Role.BILLING, null);
        assertThat(as(physician).get("/api/shifts").status()).isEqualTo(403);
        assertThat(as(billing).get("/api/shifts").status()).isEqualTo(403);
        assertThat(as(physician).post("/api/shifts", Map.of("centerId", center, "night", next.atDay(3).toString())).status())
                .isEqualTo(403);
        assertThat(anonymous().get("/api/shifts").status()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from planned_shift where center_id = :c").param("c", center)
                .query(Long.class).single()).isZero();
    }

    @Test
    void theCalendarPageLetsARadiologistSignUpAndShowsTheAdministratorTheGaps() {
        String name = unique("Centre Page");
        long center = RosterFixtures.createCenter(admin(), name, 1);
        Browser radiologist = browser().loggedInAs(anna.username(), anna.password());
        HttpResponse<String> page = radiologist.get("/shifts?month=" + next);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(name, "M’inscrire", "Planning des gardes</a>");
        LocalDate night = next.atDay(20);
        HttpResponse<String> posted = radiologist.postForm("/shifts/plan",
                List.of(Map.entry("centerId", String.valueOf(center)), Map.entry("night", night.toString())));
        assertThat(posted.statusCode()).isEqualTo(302);
        assertThat(posted.headers().firstValue("Location").orElseThrow()).contains("/shifts?month=" + next);
        assertThat(jdbc.sql("select user_id from planned_shift where center_id = :c and withdrawn_at is null")
                .param("c", center).query(Long.class).single()).isEqualTo(anna.id());
        assertThat(radiologist.get("/presence").body()).contains("Mes prochaines gardes", name + ", poste 1 : du "
                + night.format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy")) + " 20:00");
        HttpResponse<String> adminPage = browser().loggedInAs("admin", ADMIN_PASSWORD).get("/shifts?month=" + next);
        assertThat(adminPage.body()).contains("À régler ce mois-ci", name + " : 1 poste(s) libre(s)", "Planifier un radiologue");
        TestAccount billing = createAccount(Role.BILLING, null);
        assertThat(browser().loggedInAs(billing.username(), billing.password()).get("/shifts").statusCode()).isEqualTo(403);
    }
}
