package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamReady;
import fr.relais.request.ConsentStatus;
import fr.relais.worklist.WorklistService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each READY exam to the engines configured for its exam type. In-process engines run on a
 * small pool of their own, never on the thread that made the exam READY, so reading never waits
 * for them; a run past the timeout is interrupted and recorded as TIMED_OUT. DICOM engines are sent
 * the study by C-STORE on a pool of their own (a slow engine never delays an analysis), and their
 * run waits for their SR ({@link DicomEngines}) until the engine's timeout. HTTP engines are not
 * called: their run waits for the result they post ({@link AiResultsApiController}) until the
 * timeout. Nothing is sent without the patient's consent.
 */
@Component
class AiDispatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AiDispatch.class);

    private final JdbcClient jdbc;
    private final AiEngines engines;
    private final AiResults results;
    private final AiRuns runs;
    private final StudySeries series;
    private final DicomEngines dicomEngines;
    private final AuditLog audit;
    private final WorklistService worklist;
    private final AiSettings settings;
    private final Clock clock;
    private ExecutorService workers;
    /** Sends to DICOM engines wait on the network: on their own pool, they never hold up an analysis. */
    private ExecutorService senders;
    private ScheduledExecutorService watchdog;
    private volatile boolean running;

    AiDispatch(JdbcClient jdbc, AiEngines engines, AiResults results, AiRuns runs, StudySeries series,
               DicomEngines dicomEngines, AuditLog audit, WorklistService worklist, AiSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.engines = engines;
        this.results = results;
        this.runs = runs;
        this.series = series;
        this.dicomEngines = dicomEngines;
        this.audit = audit;
        this.worklist = worklist;
        this.settings = settings;
        this.clock = clock;
    }

    /** How far back a restart looks for READY exams that no engine was given: later, triage is of no use. */
    static final Duration CATCH_UP = Duration.ofHours(1);

    /**
     * READY exams since {@code readySince} that no engine ever ran for although one is configured for
     * their type: their ExamReady was lost (the instance stopped between the two). Each is
     * dispatched now; the number dispatched.
     */
    int catchUp(Instant readySince) {
        record Missed(long id, long hospitalId, long studyId, OffsetDateTime readyAt) {}
        List<Missed> missed = jdbc.sql("""
                select e.id, e.hospital_id, coalesce(e.study_id, 0) as study_id, e.ready_at
                from exam e join exam_request q on q.exam_id = e.id
                where e.state = 'READY' and e.ready_at >= :since
                  and exists (select 1 from ai_engine g where g.enabled and q.exam_type_code = any(g.exam_types))
                  and not exists (select 1 from ai_run r where r.exam_id = e.id)
                order by e.ready_at""")
                .param("since", readySince.atOffset(ZoneOffset.UTC)).query(Missed.class).list();
        missed.forEach(m -> onReady(new ExamReady(m.id(), m.hospitalId(), m.studyId(), m.readyAt().toInstant())));
        if (!missed.isEmpty()) {
            log.info("AI: {} READY exams had not been given to their engines; dispatched now", missed.size());
        }
        return missed.size();
    }

    @EventListener
    public void onReady(ExamReady ready) {
        if (!settings.enabled() || !running) {
            return;
        }
        record Asked(String examType, ConsentStatus consent) {}
        Asked asked = jdbc.sql("select exam_type_code, consent from exam_request where exam_id = :id")
                .param("id", ready.examId())
                .query((rs, n) -> new Asked(rs.getString("exam_type_code"), ConsentStatus.valueOf(rs.getString("consent"))))
                .optional().orElse(null);
        if (asked == null || asked.examType() == null) {
            return;
        }
        if (!asked.consent().permitsReading()) {
            // Never sent anywhere, not even to an in-process engine, without the patient's consent.
            audit.record("ai", "AI_NOT_SENT", "exam:" + ready.examId(), null, AuditLog.Outcome.REJECTED,
                    "consent " + asked.consent());
            return;
        }
        for (AiEngines.Engine engine : engines.forExamType(asked.examType())) {
            if (engine.kind() == AiEngines.Kind.BUILTIN && HaemorrhageDetector.ENGINE.equals(engine.code())) {
                submit(workers, ready, engine, settings.timeout(), () -> {
                    HaemorrhageDetector.Finding f = HaemorrhageDetector.analyse(series.mainCtSeries(ready.studyId()));
                    return new Analysis(HaemorrhageDetector.VERSION, f.slices(), new AiResults.Incoming(
                            HaemorrhageDetector.FINDING, f.volumeMl(), null, f.keySopInstanceUid(),
                            f.hasKeySlice() ? f.keyFrame() : null));
                });
            } else if (engine.kind() == AiEngines.Kind.ONNX) {
                submit(workers, ready, engine, settings.timeout(), () -> {
                    OnnxConfig c = engines.onnxConfig(engine.id());
                    try (OnnxModelEngine model = new OnnxModelEngine(c.engine())) {
                        OnnxModelEngine.Finding f = model.analyse(series.mainCtSeries(ready.studyId()));
                        return new Analysis(engine.version(), f.slices(), new AiResults.Incoming(c.finding(), f.score(),
                                null, f.keySopInstanceUid(), f.keySopInstanceUid() == null ? null : 1));
                    }
                });
            } else if (engine.kind() == AiEngines.Kind.HTTP) {
                // The engine is told by its own means (a router, the hospital's PACS) and posts its
                // answer: nothing to run here, the run only waits for it until the timeout.
                expire(runs.start(ready.examId(), engine.id()), ready.examId(), null, settings.timeout());
            } else if (engine.kind() == AiEngines.Kind.DICOM) {
                AiEngines.DicomConfig c;
                try {
                    c = engines.dicomConfig(engine.id());
                } catch (IllegalStateException e) {
                    // A broken engine row must not trouble the exam's move to READY: its run fails, visibly.
                    ended(ready.examId(), runs.finish(runs.start(ready.examId(), engine.id()), "FAILED", e.getMessage()));
                    continue;
                }
                submit(senders, ready, engine, c.timeout(settings.timeout()), () -> {
                    int sent = dicomEngines.send(ready.studyId(), engine, c);
                    audit.record("ai:" + engine.code(), "AI_STUDY_SENT", "exam:" + ready.examId(), null,
                            AuditLog.Outcome.SUCCESS, sent + " objects to " + c.aeTitle());
                    return null; // the engine answers with an SR, on our SCP
                });
            }
        }
    }

    /** What one run found, for one finding. */
    record Analysis(String version, int slices, AiResults.Incoming result) {}

    /** An ONNX engine's settings, from ai_engine.config. */
    record OnnxConfig(String model, String inputName, int rows, int columns, double windowCenter, double windowWidth,
                      String finding) {
        OnnxModelEngine.Config engine() {
            return new OnnxModelEngine.Config(java.nio.file.Path.of(model), inputName, rows, columns, windowCenter,
                    windowWidth);
        }
    }

    /** One engine's work on one exam: its analysis, or null when the answer comes later (a DICOM engine's SR). */
    @FunctionalInterface
    interface Run {
        Analysis run() throws Exception;
    }

    private void submit(ExecutorService pool, ExamReady ready, AiEngines.Engine engine, Duration timeout, Run analysis) {
        long run = runs.start(ready.examId(), engine.id());
        Future<?> task = pool.submit(() -> {
            try {
                Analysis a = analysis.run();
                if (a == null) {
                    return;
                }
                if (a.slices() == 0) {
                    throw new StudySeries.UnreadableSeriesException(AiRuns.Failure.NO_IMAGES, "no CT image to analyse");
                }
                audit.record("ai:" + engine.code(), "AI_ANALYSED", "exam:" + ready.examId(), null,
                        AuditLog.Outcome.SUCCESS, a.slices() + " slices");
                results.record(ready.examId(), engine, a.version(), a.result());
                runs.finish(run, "DONE", null);
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                ended(ready.examId(), runs.finish(run, "TIMED_OUT", "interrupted after " + timeout));
            } catch (StudySeries.UnreadableSeriesException e) {
                // A failed analysis, said so to the reader: never a negative for images the engine did not see.
                log.warn("AI run {} of exam {} could not read the study: {}", run, ready.examId(), e.getMessage());
                audit.record("ai:" + engine.code(), "AI_ANALYSIS_FAILED", "exam:" + ready.examId(), null,
                        AuditLog.Outcome.FAILED, e.failure() + ": " + e.getMessage());
                ended(ready.examId(), runs.fail(run, e.failure(), e.getMessage()));
            } catch (Exception e) {
                log.warn("AI run {} of exam {} failed: {}", run, ready.examId(), e.toString());
                ended(ready.examId(), runs.finish(run, "FAILED", e.getMessage()));
            }
        });
        expire(run, ready.examId(), task, timeout);
    }

    /** A run that ended without an answer (when it did end here): the worklist shows it on the exam's row at once. */
    private void ended(long examId, boolean withoutAnswer) {
        if (withoutAnswer) {
            try {
                worklist.aiAnalysisFailed(examId);
            } catch (RuntimeException e) {
                log.warn("AI: the worklist was not told of exam {}'s failed analysis: {}", examId, e.toString());
            }
        }
    }

    /**
     * The timeout counts from submission: a triage that comes later than this is of no use. A task
     * cancelled before it started, or a run still waiting for its engine's answer, never ends by
     * itself, so the watchdog ends it (only a run still RUNNING changes).
     */
    private void expire(long run, long examId, Future<?> task, Duration timeout) {
        watchdog.schedule(() -> {
            if (task != null) {
                task.cancel(true);
            }
            ended(examId, runs.finish(run, "TIMED_OUT", "no result within " + timeout));
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void start() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(Math.max(1, settings.workers()), r -> {
            Thread t = new Thread(r, "ai-engine-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1); // receiving and reading come first
            return t;
        });
        AtomicInteger s = new AtomicInteger();
        senders = Executors.newFixedThreadPool(Math.max(1, settings.workers()), r -> {
            Thread t = new Thread(r, "ai-send-" + s.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ai-watchdog");
            t.setDaemon(true);
            return t;
        });
        runs.closeAbandoned(settings.timeout());
        running = true;
        // Once the instance is serving: the exams whose dispatch a stop interrupted.
        watchdog.schedule(() -> {
            try {
                catchUp(clock.instant().minus(CATCH_UP));
            } catch (RuntimeException e) {
                log.warn("AI catch-up failed: {}", e.toString());
            }
        }, settings.catchUpAfter().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        workers.shutdownNow();
        senders.shutdownNow();
        watchdog.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
