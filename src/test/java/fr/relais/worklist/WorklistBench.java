package fr.relais.worklist;

import fr.relais.RelaisApplication;
import fr.relais.exam.ExamReady;
import fr.relais.request.Urgency;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import fr.relais.storage.Sealer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ./relais bench worklist: the worklist query and a claim, p50 and p99, and claims per second
 * with 20 parallel clients, over a database holding 1,000,000 past exams and 300 open ones.
 * Not a test: it prints figures (time is measured here, never asserted in the suite), the last
 * ones as machine-readable lines "bench worklist NAME VALUE UNIT".
 * Arguments: [PAST] [--past N] [--open N] [--queries N] [--warmup N] [--clients N] [--seconds S]
 * (the suite's BenchesIT runs it tiny).
 */
public final class WorklistBench {

    public static void main(String[] args) throws Exception {
        int past = 1_000_000, open = 300, clients = 20, queries = 2000, warmup = 200, seconds = 10;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.matches("[0-9]+") && i == 0) {
                past = Integer.parseInt(a);
                continue;
            }
            if (i + 1 >= args.length || !args[i + 1].matches("[0-9]+")) {
                usage(a);
            }
            int v = Integer.parseInt(args[++i]);
            switch (a) {
                case "--past" -> past = v;
                case "--open" -> open = v;
                case "--queries" -> queries = v;
                case "--warmup" -> warmup = v;
                case "--clients" -> clients = v;
                case "--seconds" -> seconds = v;
                default -> usage(a);
            }
        }
        if (open < 1 || clients < 1 || queries < 1 || seconds < 1) {
            usage("--open, --clients, --queries and --seconds must be at least 1");
        }
        Path work = Files.createTempDirectory("relais-bench-worklist-");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg"))
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start();
             ConfigurableApplicationContext app = new SpringApplicationBuilder(RelaisApplication.class).run(
                     "--relais.data-dir=" + work.resolve("data"),
                     "--relais.db.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                     "--relais.db.user=postgres", "--relais.db.password=postgres",
                     "--relais.admin-password=bench-worklist-admin", "--server.port=0", "--relais.dicom.port=0",
                     "--logging.level.root=warn")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            WorklistService worklist = app.getBean(WorklistService.class);
            WorklistFixtures fixtures = new WorklistFixtures(jdbc, app.getBean(Sealer.class));

            List<Long> hospitals = new ArrayList<>();
            for (int h = 0; h < 13; h++) {
                hospitals.add(jdbc.sql("""
                        insert into hospital (name, finess, time_zone, created_at)
                        values (:n, :f, 'Europe/Paris', now()) returning id""")
                        .param("n", "CH bench " + h).param("f", String.format("64%07d", 9000 + h))
                        .query(Long.class).single());
            }
            long physician = jdbc.sql("""
                    insert into app_user (username, password_hash, role, display_name, hospital_id, created_at)
                    values ('bench.physician', 'x', 'HOSPITAL_PHYSICIAN', 'bench', :h, now()) returning id""")
                    .param("h", hospitals.get(0)).query(Long.class).single();

            long t0 = System.nanoTime();
            System.out.printf("loading %,d past exams...%n", past);
            long template = fixtures.readyExam(hospitals.get(0), physician, Urgency.P2, Instant.now());
            jdbc.sql("""
                    insert into exam (hospital_id, state, state_changed_at, created_at, ready_at, deadline_at, priority_class)
                    select (select min(id) from hospital) + (g % 13), 'DELIVERED', now() - (g || ' minutes')::interval,
                           now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
                           now() - (g || ' minutes')::interval + interval '30 minutes', 'URGENT'
                    from generate_series(1, :n) g""").param("n", past).update();
            jdbc.sql("""
                    insert into exam_request (exam_id, hospital_id, accession_number, patient_key, family_name_sealed,
                        given_name_sealed, birth_date_sealed, sex, exam_type_code, clinical_context, question, urgency,
                        requesting_physician, callback_phone, requested_by, requested_at, consent)
                    select e.id, e.hospital_id, 'P' || e.id, 'IPP' || e.id, t.family_name_sealed, t.given_name_sealed,
                        t.birth_date_sealed, t.sex, t.exam_type_code, t.clinical_context, t.question, t.urgency,
                        t.requesting_physician, t.callback_phone, t.requested_by, e.created_at, t.consent
                    from exam e cross join (select * from exam_request where exam_id = :template) t
                    where e.state = 'DELIVERED'""").param("template", template).update();
            jdbc.sql("update exam set state = 'CANCELLED' where id = :id").param("id", template).update();
            jdbc.sql("analyze").update();
            System.out.printf("loaded in %.0f s%n", (System.nanoTime() - t0) / 1e9);

            Urgency[] urgencies = Urgency.values();
            Instant base = Instant.now().minus(Duration.ofMinutes(40));
            for (int i = 0; i < open; i++) {
                long hospital = hospitals.get(i % hospitals.size());
                Instant readyAt = base.plusSeconds(i * 8L);
                long exam = fixtures.readyExam(hospital, physician, urgencies[i % 3], readyAt);
                worklist.onReady(new ExamReady(exam, hospital, 0, readyAt));
            }
            long center = fixtures.center("Centre bench", clients);
            List<AccountPrincipal> radiologists = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                long id = jdbc.sql("""
                        insert into app_user (username, password_hash, role, display_name, created_at)
                        values (:u, 'x', 'RADIOLOGIST', :u, now()) returning id""")
                        .param("u", "bench.radiologue." + i).query(Long.class).single();
                for (long h : hospitals) {
                    fixtures.authorise(id, h);
                }
                fixtures.checkIn(id, center);
                radiologists.add(new AccountPrincipal(id, "bench.radiologue." + i, "x", Role.RADIOLOGIST, null, "r", true, false));
            }

            AccountPrincipal one = radiologists.get(0);
            for (int i = 0; i < warmup; i++) {
                worklist.queue(one);
                worklist.claimNext(one, "bench").ifPresent(r -> worklist.release(r.examId(), one, "bench"));
            }
            long[] query = new long[queries];
            for (int i = 0; i < query.length; i++) {
                long s = System.nanoTime();
                int rows = worklist.queue(one).size();
                query[i] = System.nanoTime() - s;
                if (rows != open) {
                    throw new IllegalStateException("queue has " + rows + " rows, expected " + open);
                }
            }
            long[] claim = new long[queries];
            for (int i = 0; i < claim.length; i++) {
                long s = System.nanoTime();
                long exam = worklist.claimNext(one, "bench").orElseThrow().examId();
                claim[i] = System.nanoTime() - s;
                worklist.release(exam, one, "bench");
            }
            System.out.printf("worklist query (%d rows): p50 %.1f ms, p99 %.1f ms%n", open, pct(query, 50), pct(query, 99));
            System.out.printf("claim next:               p50 %.1f ms, p99 %.1f ms%n", pct(claim, 50), pct(claim, 99));

            // The clients, each claiming "next" and giving it back, for the seconds given.
            AtomicLong claims = new AtomicLong();
            List<long[]> latencies = new ArrayList<>();
            CountDownLatch finished = new CountDownLatch(clients);
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            for (AccountPrincipal r : radiologists) {
                long[] mine = new long[200_000];
                latencies.add(mine);
                new Thread(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        var row = worklist.claimNext(r, "bench");
                        if (row.isPresent()) {
                            mine[n++ % mine.length] = System.nanoTime() - s;
                            claims.incrementAndGet();
                            worklist.release(row.get().examId(), r, "bench");
                        }
                    }
                    finished.countDown();
                }).start();
            }
            finished.await();
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).toArray();
            if (all.length == 0) {
                throw new IllegalStateException("no claim succeeded in " + seconds + " s with " + clients + " clients");
            }
            double perSecond = claims.get() / (double) seconds;
            System.out.printf("%d parallel clients: %.0f claims/s (each followed by a release), claim p50 %.1f ms, p99 %.1f ms%n",
                    clients, perSecond, pct(all, 50), pct(all, 99));
            System.out.printf("machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            figure("query_p50", pct(query, 50), "ms");
            figure("query_p99", pct(query, 99), "ms");
            figure("claim_p50", pct(claim, 50), "ms");
            figure("claim_p99", pct(claim, 99), "ms");
            figure("parallel_claims_per_s", perSecond, "1/s");
            figure("parallel_claim_p50", pct(all, 50), "ms");
            figure("parallel_claim_p99", pct(all, 99), "ms");
        } finally {
            // The database and the data folder were the bench's own.
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One machine-readable line of the figures printed last. */
    private static void figure(String name, double value, String unit) {
        System.out.printf(java.util.Locale.ROOT, "bench worklist %s %.3f %s%n", name, value, unit);
    }

    private static void usage(String wrong) {
        System.err.println("bench worklist: " + wrong + "; usage: bench worklist [PAST] [--past N] [--open N] "
                + "[--queries N] [--warmup N] [--clients N] [--seconds S]");
        System.exit(2);
    }

    private static double pct(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
