package fr.relais.roster;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceIT extends BaseIntegrationTest {

    @Autowired
    Roster roster;

    private long createCenter(String name, int seats) {
        return RosterFixtures.createCenter(admin(), name, seats);
    }

    private JsonNode occupancyOf(long centerId) {
        ApiClient.Response board = admin().get("/api/presence");
        assertThat(board.status()).isEqualTo(200);
        return StreamSupport.stream(board.json().spliterator(), false)
                .filter(c -> c.get("centerId").asLong() == centerId).findFirst().orElseThrow();
    }

    private ApiClient.Response checkIn(TestAccount radiologist, long centerId) {
        return as(radiologist).post("/api/presence/check-in", Map.of("centerId", centerId));
    }

    @Test
    void radiologistChecksInUntilTheEndOfTheNightShiftAndChecksOut() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        long hospital = createHospital(unique("CH Royan test"), uniqueAeTitle("ROY"));
        admin().put("/api/radiologists/" + radiologist.id() + "/hospitals", List.of(hospital));
        String centerName = unique("Centre de garde Pau");
        long center = createCenter(centerName, 7);
        Instant before = Instant.now();

        ApiClient.Response in = checkIn(radiologist, center);

        assertThat(in.status()).isEqualTo(201);
        assertThat(in.json().get("centerName").asText()).isEqualTo(centerName);
        Instant end = OffsetDateTime.parse(in.json().get("shiftEndsAt").asText()).toInstant();
        java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
        assertThat(end).isIn(PresenceService.defaultShiftEnd(before, paris), PresenceService.defaultShiftEnd(Instant.now(), paris));
        assertThat(as(radiologist).get("/api/presence/me").json().get("centerId").asLong()).isEqualTo(center);
        JsonNode occupancy = occupancyOf(center);
        assertThat(occupancy.get("taken").asInt()).isEqualTo(1);
        assertThat(occupancy.get("seats").asInt()).isEqualTo(7);
        assertThat(occupancy.get("present").get(0).get("username").asText()).isEqualTo(radiologist.username());
        assertThat(roster.isCheckedIn(radiologist.id(), Instant.now())).isTrue();
        assertThat(roster.onDuty(Instant.now())).contains(new OnDuty(radiologist.id(), radiologist.username(),
                "Test Radiologist", center, centerName, java.util.Set.of(hospital)));
        assertThat(roster.authorisedHospitals(radiologist.id())).containsExactly(hospital);

        ApiClient.Response out = as(radiologist).post("/api/presence/check-out", null);

        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json().get("checkedOutAt").isNull()).isFalse();
        assertThat(as(radiologist).get("/api/presence/me").status()).isEqualTo(204);
        assertThat(occupancyOf(center).get("taken").asInt()).isZero();
        assertThat(roster.isCheckedIn(radiologist.id(), Instant.now())).isFalse();
        assertThat(roster.onDuty(Instant.now())).noneMatch(d -> d.userId() == radiologist.id());
        assertThat(as(radiologist).post("/api/presence/check-out", null).status()).isEqualTo(409);
        assertThat(jdbc.sql("select string_agg(action || ':' || outcome, ',' order by id) from audit_event where object = :o")
                .param("o", "center:" + center).query(String.class).single())
                .isEqualTo("CENTER_CREATED:SUCCESS,PRESENCE_CHECK_IN:SUCCESS,PRESENCE_CHECK_OUT:SUCCESS");
    }

    @Test
    void aFullCenterRefusesTheNextRadiologist() {
        String name = unique("Centre de garde Dax");
        long center = createCenter(name, 2);
        TestAccount first = createAccount(Role.RADIOLOGIST, null);
        TestAccount second = createAccount(Role.RADIOLOGIST, null);
        TestAccount third = createAccount(Role.RADIOLOGIST, null);
        assertThat(checkIn(first, center).status()).isEqualTo(201);
        assertThat(checkIn(second, center).status()).isEqualTo(201);

        ApiClient.Response full = checkIn(third, center);

        assertThat(full.status()).isEqualTo(409);
        assertThat(full.contentType()).startsWith("application/problem+json");
        assertThat(full.json().get("detail").asText()).isEqualTo("Le centre " + name + " est complet (2 postes).");
        assertThat(as(third).get("/api/presence/me").status()).isEqualTo(204);

        assertThat(as(first).post("/api/presence/check-out", null).status()).isEqualTo(200);
        assertThat(checkIn(third, center).status()).isEqualTo(201);
    }

    @Test
    void concurrentCheckInsNeverTakeMoreSeatsThanTheCenterHas() throws Exception {
        long center = createCenter(unique("Centre de garde concurrent"), 3);
        List<TestAccount> radiologists = IntStream.range(0, 6).mapToObj(i -> createAccount(Role.RADIOLOGIST, null)).toList();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(radiologists.size());
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (TestAccount radiologist : radiologists) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return checkIn(radiologist, center).status();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from seat_presence where center_id = :c and checked_out_at is null")
                .param("c", center).query(Long.class).single()).isEqualTo(3);
        assertThat(occupancyOf(center).get("taken").asInt()).isEqualTo(3);
    }

    @Test
    void aSecondCheckInWhileOnASeatIsRefused() {
        String firstName = unique("Centre de garde Agen");
        long first = createCenter(firstName, 7);
        long other = createCenter(unique("Centre de garde Jonzac"), 7);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        assertThat(checkIn(radiologist, first).status()).isEqualTo(201);

        ApiClient.Response again = checkIn(radiologist, other);

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains(firstName);
        assertThat(occupancyOf(other).get("taken").asInt()).isZero();
        assertThat(checkIn(radiologist, first).status()).isEqualTo(409);
    }

    @Test
    void aShiftThatHasEndedCountsAsNotPresentAndFreesTheSeat() {
        long center = createCenter(unique("Centre de garde Marmande"), 1);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        TestAccount next = createAccount(Role.RADIOLOGIST, null);
        assertThat(checkIn(radiologist, center).status()).isEqualTo(201);
        assertThat(checkIn(next, center).status()).isEqualTo(409);

        jdbc.sql("""
                update seat_presence set checked_in_at = now() - interval '12 hours', shift_ends_at = now() - interval '1 second'
                where user_id = :u and checked_out_at is null""").param("u", radiologist.id()).update();

        assertThat(roster.isCheckedIn(radiologist.id(), Instant.now())).isFalse();
        assertThat(roster.onDuty(Instant.now())).noneMatch(d -> d.userId() == radiologist.id());
        assertThat(as(radiologist).get("/api/presence/me").status()).isEqualTo(204);
        assertThat(occupancyOf(center).get("taken").asInt()).isZero();
        assertThat(checkIn(next, center).status()).isEqualTo(201);
        assertThat(as(radiologist).post("/api/presence/check-out", null).status()).isEqualTo(409);
        // The radiologist may come back for the next shift elsewhere: the ended one no longer blocks.
        long other = createCenter(unique("Centre de garde Saintonge"), 2);
        assertThat(checkIn(radiologist, other).status()).isEqualTo(201);
    }

    @Test
    void aChosenShiftEndIsKeptAndAPastOrMalformedOneIsRefused() {
        long center = createCenter(unique("Centre de garde Royan"), 3);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        Instant soon = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        ApiClient.Response past = as(radiologist).post("/api/presence/check-in",
                Map.of("centerId", center, "shiftEndsAt", Instant.now().minusSeconds(60).toString()));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().get("errors").get(0).get("field").asText()).isEqualTo("shiftEndsAt");
        assertThat(as(radiologist).post("/api/presence/check-in",
                Map.of("centerId", center, "shiftEndsAt", Instant.now().plus(3, ChronoUnit.DAYS).toString())).status())
                .isEqualTo(400);
        assertThat(as(radiologist).post("/api/presence/check-in", Map.of("centerId", center, "shiftEndsAt", "demain")).status())
                .isEqualTo(400);
        assertThat(as(radiologist).post("/api/presence/check-in", Map.of("centerId", "abc")).status()).isEqualTo(400);
        ApiClient.Response missing = as(radiologist).post("/api/presence/check-in", Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("errors").get(0).get("field").asText()).isEqualTo("centerId");
        ApiClient.Response unknown = as(radiologist).post("/api/presence/check-in", Map.of("centerId", 987654321));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asText()).contains("987654321");
        assertThat(as(radiologist).post("/api/presence/check-in", "{").status()).isEqualTo(400);
        assertThat(as(radiologist).get("/api/presence/me").status()).isEqualTo(204);

        ApiClient.Response chosen = as(radiologist).post("/api/presence/check-in",
                Map.of("centerId", center, "shiftEndsAt", soon.toString()));
        assertThat(chosen.status()).isEqualTo(201);
        assertThat(OffsetDateTime.parse(chosen.json().get("shiftEndsAt").asText()).toInstant()).isEqualTo(soon);
    }

    @Test
    void onlyRadiologistsTakeSeatsAndOnlyCoordinatorsAndAdminsSeeTheBoard() {
        long center = createCenter(unique("Centre de garde rôles"), 3);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);

        assertThat(as(coordinator).post("/api/presence/check-in", Map.of("centerId", center)).status()).isEqualTo(403);
        assertThat(admin().post("/api/presence/check-in", Map.of("centerId", center)).status()).isEqualTo(403);
        assertThat(as(coordinator).get("/api/presence").status()).isEqualTo(200);
        assertThat(as(radiologist).get("/api/presence").status()).isEqualTo(403);
        assertThat(anonymous().post("/api/presence/check-in", Map.of("centerId", center)).status()).isEqualTo(401);
    }
}
