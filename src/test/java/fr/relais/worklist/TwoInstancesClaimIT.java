package fr.relais.worklist;

import fr.relais.RelaisApplication;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances on one PostgreSQL server, 20 radiologists pressing "next" from
 * parallel threads over 500 exams: every exam is claimed exactly once, none is lost.
 */
class TwoInstancesClaimIT {

    private static final int EXAMS = 500;
    private static final int RADIOLOGISTS = 20;

    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "two-instances-");
        postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).start();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        first = instance(work.resolve("a"), Base64.getEncoder().encodeToString(key));
        second = instance(work.resolve("b"), Base64.getEncoder().encodeToString(key));
    }

    private static ConfigurableApplicationContext instance(Path dataDir, String masterKey) {
        return new SpringApplicationBuilder(RelaisApplication.class).run(
                "--relais.data-dir=" + dataDir,
                "--relais.db.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--relais.db.user=postgres",
                "--relais.db.password=postgres",
                "--relais.master-key=" + masterKey,
                "--relais.admin-password=two-instances-admin",
                "--server.port=0",
                "--relais.dicom.port=0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void everyExamIsClaimedExactlyOnceAcrossInstances() throws Exception {
        JdbcClient jdbc = first.getBean(JdbcClient.class);
        WorklistFixtures fixtures = new WorklistFixtures(jdbc, first.getBean(Sealer.class));
        long hospital = jdbc.sql("""
                insert into hospital (name, finess, time_zone, created_at) values ('CH Concurrence', '640009999',
                'Europe/Paris', now()) returning id""").query(Long.class).single();
        long physician = user(jdbc, "physician.concurrence", "HOSPITAL_PHYSICIAN", hospital);
        long center = fixtures.center("Centre concurrence", RADIOLOGISTS);
        WorklistService worklistA = first.getBean(WorklistService.class);
        Instant start = Instant.now().minus(Duration.ofHours(1));
        Urgency[] urgencies = Urgency.values();
        for (int i = 0; i < EXAMS; i++) {
            Instant readyAt = start.plusSeconds(i);
            long exam = fixtures.readyExam(hospital, physician, urgencies[i % 3], readyAt);
            worklistA.onReady(new ExamReady(exam, hospital, 0, readyAt));
        }
        List<AccountPrincipal> radiologists = new ArrayList<>();
        for (int i = 0; i < RADIOLOGISTS; i++) {
            long id = user(jdbc, "radiologue.concurrence." + i, "RADIOLOGIST", null);
            fixtures.authorise(id, hospital);
            fixtures.checkIn(id, center);
            radiologists.add(new AccountPrincipal(id, "radiologue.concurrence." + i, "x", Role.RADIOLOGIST, null,
                    "Radiologue " + i, true, false));
        }

        ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(RADIOLOGISTS);
        List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < RADIOLOGISTS; i++) {
            AccountPrincipal radiologist = radiologists.get(i);
            WorklistService worklist = (i % 2 == 0 ? first : second).getBean(WorklistService.class);
            done.add(pool.submit(() -> {
                int mine = 0;
                while (true) {
                    var next = worklist.claimNext(radiologist, "test");
                    if (next.isEmpty()) {
                        return mine;
                    }
                    claimed.add(next.get().examId());
                    mine++;
                }
            }));
        }
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get();
        }
        pool.shutdown();

        assertThat(total).isEqualTo(EXAMS);
        Set<Long> distinct = new HashSet<>(claimed);
        assertThat(distinct).hasSize(EXAMS);
        Map<String, Object> db = jdbc.sql("""
                select count(*) filter (where e.state = 'IN_READING' and e.claimed_by is not null) as in_reading,
                       count(*) filter (where e.state = 'READY') as ready,
                       (select count(*) from claim_event c join exam x on x.id = c.exam_id
                        where x.hospital_id = :h and c.action = 'CLAIMED') as claims
                from exam e where e.hospital_id = :h""").param("h", hospital).query().singleRow();
        assertThat(((Number) db.get("in_reading")).intValue()).isEqualTo(EXAMS);
        assertThat(((Number) db.get("ready")).intValue()).isZero();
        assertThat(((Number) db.get("claims")).intValue()).isEqualTo(EXAMS);
        // Both instances served claims.
        assertThat(jdbc.sql("select count(distinct claimed_by) from exam where hospital_id = :h").param("h", hospital)
                .query(Integer.class).single()).isGreaterThan(RADIOLOGISTS / 2);
    }

    private static long user(JdbcClient jdbc, String username, String role, Long hospital) {
        return jdbc.sql("""
                insert into app_user (username, password_hash, role, display_name, hospital_id, created_at)
                values (:u, 'x', :r, :u, :h, now()) returning id""")
                .param("u", username).param("r", role).param("h", hospital).query(Long.class).single();
    }
}
