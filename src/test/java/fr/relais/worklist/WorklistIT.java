package fr.relais.worklist;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorklistIT extends BaseIntegrationTest {

    @Autowired
    WorklistService worklist;

    @Autowired
    Sealer sealer;

    private WorklistFixtures fixtures;
    private long hospital;
    private long otherHospital;
    private long center;
    private TestAccount physician;

    @BeforeEach
    void setUp() {
        fixtures = new WorklistFixtures(jdbc, sealer);
        hospital = createHospital(unique("CH Worklist"), uniqueAeTitle("WL"));
        otherHospital = createHospital(unique("CH Worklist other"), uniqueAeTitle("WO"));
        center = fixtures.center(unique("Centre WL"), 7);
        physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
    }

    private TestAccount radiologistOnDuty(long... hospitals) {
        TestAccount r = createAccount(Role.RADIOLOGIST, null);
        for (long h : hospitals) {
            fixtures.authorise(r.id(), h);
        }
        fixtures.checkIn(r.id(), center);
        return r;
    }

    private long ready(long hospitalId, Urgency urgency, Instant readyAt) {
        long id = fixtures.readyExam(hospitalId, physician.id(), urgency, readyAt);
        worklist.onReady(new ExamReady(id, hospitalId, 0, readyAt));
        return id;
    }

    private List<Long> queueIds(TestAccount radiologist, List<Long> among) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode row : as(radiologist).get("/api/worklist").json()) {
            if (among.contains(row.get("examId").asLong())) {
                ids.add(row.get("examId").asLong());
            }
        }
        return ids;
    }

    @Test
    void theQueueIsInDeadlineOrderAndLimitedToAuthorisedHospitals() {
        Instant now = Instant.now();
        long deferrable = ready(hospital, Urgency.P3, now.minus(Duration.ofMinutes(50))); // deadline now+10
        long urgent = ready(hospital, Urgency.P2, now);                                  // deadline now+30
        long vital = ready(hospital, Urgency.P1, now);                                   // deadline now+10, later arrival
        long elsewhere = ready(otherHospital, Urgency.P1, now.minus(Duration.ofMinutes(5)));
        TestAccount radiologist = radiologistOnDuty(hospital);

        assertThat(queueIds(radiologist, List.of(deferrable, urgent, vital, elsewhere)))
                .containsExactly(deferrable, vital, urgent);
        JsonNode first = as(radiologist).get("/api/worklist").json().get(0);
        assertThat(first.has("ageYears")).isTrue();
        assertThat(first.toString()).doesNotContain("NOMPATIENT", "Zephyrine");
    }

    @Test
    void aRadiologistNotOnASeatSeesNothingAndCannotClaim() {
        ready(hospital, Urgency.P1, Instant.now());
        TestAccount offDuty = createAccount(Role.RADIOLOGIST, null);
        fixtures.authorise(offDuty.id(), hospital);

        assertThat(as(offDuty).get("/api/worklist").json()).isEmpty();
        ApiClient.Response next = as(offDuty).post("/api/worklist/next", null);
        assertThat(next.status()).isEqualTo(409);
        assertThat(next.contentType()).startsWith("application/problem+json");
    }

    @Test
    void nextTakesTheTopExamAndAClaimIsExclusive() {
        long hospitalOnly = createHospital(unique("CH Exclusive"), uniqueAeTitle("EX"));
        long vital = ready(hospitalOnly, Urgency.P1, Instant.now());
        long urgent = ready(hospitalOnly, Urgency.P2, Instant.now());
        TestAccount first = radiologistOnDuty(hospitalOnly);
        TestAccount second = radiologistOnDuty(hospitalOnly);

        assertThat(as(first).post("/api/worklist/next", null).json().get("examId").asLong()).isEqualTo(vital);
        ApiClient.Response picked = as(second).post("/api/worklist/" + vital + "/claim", null);
        assertThat(picked.status()).isEqualTo(409);
        assertThat(as(second).post("/api/worklist/next", null).json().get("examId").asLong()).isEqualTo(urgent);
        assertThat(as(second).post("/api/worklist/next", null).status()).isEqualTo(204);
        assertThat(queueIds(first, List.of(vital, urgent))).isEmpty();
        assertThat(jdbc.sql("select string_agg(action || ':' || user_id, ',' order by id) from claim_event where exam_id = :e")
                .param("e", vital).query(String.class).single()).isEqualTo("CLAIMED:" + first.id());
    }

    /** Holds the exam's row lock in a transaction of its own for a while, as another writer would. */
    private java.util.concurrent.CompletableFuture<Void> lockedFor(long exam, long millis) throws InterruptedException {
        java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Void> holding = java.util.concurrent.CompletableFuture.runAsync(() ->
                new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(t -> {
                    jdbc.sql("select id from exam where id = :id for update").param("id", exam).query(Long.class).single();
                    locked.countDown();
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertThat(locked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return holding;
    }

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    @Test
    void aClaimWaitsBrieflyForAnotherWriterAndIsRefusedCleanlyWhenItLasts() throws Exception {
        TestAccount reader = radiologistOnDuty(hospital);
        long briefly = ready(hospital, Urgency.P2, Instant.now());
        var shortLock = lockedFor(briefly, 500);
        assertThat(as(reader).post("/api/worklist/" + briefly + "/claim", null).status()).as("waited, then taken")
                .isEqualTo(200);
        shortLock.get();

        TestAccount other = radiologistOnDuty(hospital);
        long heldAWhile = ready(hospital, Urgency.P2, Instant.now());
        var longLock = lockedFor(heldAWhile, 4000);
        ApiClient.Response busy = as(other).post("/api/worklist/" + heldAWhile + "/claim", null);
        assertThat(busy.status()).as(busy.body()).isEqualTo(409);
        assertThat(busy.contentType()).startsWith("application/problem+json");
        longLock.get();
        assertThat(as(other).post("/api/worklist/" + heldAWhile + "/claim", null).status()).as("free again").isEqualTo(200);
    }

    @Test
    void aReleasedExamGoesBackWithItsDeadlineAndOnlyItsHolderMayReleaseIt() {
        long exam = ready(hospital, Urgency.P2, Instant.now());
        String deadline = jdbc.sql("select deadline_at::text from exam where id = :id").param("id", exam)
                .query(String.class).single();
        TestAccount holder = radiologistOnDuty(hospital);
        TestAccount other = radiologistOnDuty(hospital);
        assertThat(as(holder).post("/api/worklist/" + exam + "/claim", null).status()).isEqualTo(200);

        assertThat(as(other).post("/api/worklist/" + exam + "/release", null).status()).isEqualTo(409);
        assertThat(as(holder).post("/api/worklist/" + exam + "/release", null).status()).isEqualTo(204);

        assertThat(jdbc.sql("select state || ' ' || deadline_at::text from exam where id = :id").param("id", exam)
                .query(String.class).single()).isEqualTo("READY " + deadline);
    }

    @Test
    void anIdleClaimReturnsToTheQueueAfterTheTimeout() {
        long exam = ready(hospital, Urgency.P2, Instant.now());
        TestAccount holder = radiologistOnDuty(hospital);
        as(holder).post("/api/worklist/" + exam + "/claim", null);

        worklist.expireIdleClaims(Instant.now().plus(Duration.ofMinutes(9)));
        assertThat(state(exam)).isEqualTo("IN_READING");
        worklist.expireIdleClaims(Instant.now().plus(Duration.ofMinutes(11)));

        assertThat(state(exam)).isEqualTo("READY");
        assertThat(jdbc.sql("select action from claim_event where exam_id = :e order by id desc limit 1")
                .param("e", exam).query(String.class).single()).isEqualTo("TIMED_OUT");
    }

    @Test
    void aCoordinatorReassignsOnlyToAnEligibleRadiologist() {
        long exam = ready(hospital, Urgency.P2, Instant.now());
        TestAccount holder = radiologistOnDuty(hospital);
        TestAccount colleague = radiologistOnDuty(hospital);
        TestAccount unauthorised = radiologistOnDuty(otherHospital);
        ApiClient coordinator = as(createAccount(Role.COORDINATOR, null));
        as(holder).post("/api/worklist/" + exam + "/claim", null);

        assertThat(coordinator.post("/api/worklist/" + exam + "/reassign", Map.of("toUserId", unauthorised.id()))
                .status()).isEqualTo(409);
        assertThat(coordinator.post("/api/worklist/" + exam + "/reassign", Map.of("toUserId", colleague.id()))
                .status()).isEqualTo(204);

        assertThat(jdbc.sql("select claimed_by from exam where id = :id").param("id", exam).query(Long.class).single())
                .isEqualTo(colleague.id());
        assertThat(as(colleague).get("/api/worklist/mine").json().findValuesAsText("examId")).contains(String.valueOf(exam));
        assertThat(as(holder).post("/api/worklist/" + exam + "/activity", null).status()).isEqualTo(409);
    }

    @Test
    void inPushModeANewExamGoesToTheLeastLoadedEligibleRadiologist() {
        TestAccount busy = radiologistOnDuty(hospital);
        TestAccount free = radiologistOnDuty(hospital);
        long held = ready(hospital, Urgency.P2, Instant.now());
        as(busy).post("/api/worklist/" + held + "/claim", null);
        long arriving = ready(hospital, Urgency.P2, Instant.now());

        worklist.assignToLeastLoaded(arriving);

        assertThat(jdbc.sql("select claimed_by from exam where id = :id").param("id", arriving).query(Long.class).single())
                .isEqualTo(free.id());
        assertThat(jdbc.sql("select action from claim_event where exam_id = :e").param("e", arriving)
                .query(String.class).single()).isEqualTo("ASSIGNED");
    }

    private String state(long exam) {
        return jdbc.sql("select state from exam where id = :id").param("id", exam).query(String.class).single();
    }
}
