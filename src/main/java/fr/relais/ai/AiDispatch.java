package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.exam.ExamLifecycle;
import fr.relais.exam.ExamReady;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
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
 * for them; a run past the timeout is interrupted and recorded as TIMED_OUT. HTTP engines are not
 * called: they post their results ({@link AiResultsApiController}).
 */
@Component
class AiDispatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AiDispatch.class);

    private final JdbcClient jdbc;
    private final AiEngines engines;
    private final AiResults results;
    private final StudySeries series;
    private final AuditLog audit;
    private final Clock clock;
    private final AiSettings settings;
    private ExecutorService workers;
    private ScheduledExecutorService watchdog;
    private volatile boolean running;

    AiDispatch(JdbcClient jdbc, AiEngines engines, AiResults results, StudySeries series,
               AuditLog audit, Clock clock, AiSettings settings) {
        this.jdbc = jdbc;
        this.engines = engines;
        this.results = results;
        this.series = series;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    @EventListener
    public void onReady(ExamReady ready) {
        if (!settings.enabled() || !running) {
            return;
        }
        String examType = jdbc.sql("select exam_type_code from exam_request where exam_id = :id")
                .param("id", ready.examId()).query(String.class).optional().orElse(null);
        if (examType == null) {
            return;
        }
        for (AiEngines.Engine engine : engines.forExamType(examType)) {
            if (engine.kind() == AiEngines.Kind.BUILTIN && HaemorrhageDetector.ENGINE.equals(engine.code())) {
                submit(ready, engine, () -> {
                    HaemorrhageDetector.Finding f = HaemorrhageDetector.analyse(series.mainCtSeries(ready.studyId()));
                    return new Analysis(HaemorrhageDetector.VERSION, f.slices(), new AiResults.Incoming(
                            HaemorrhageDetector.FINDING, f.volumeMl(), null, f.keySopInstanceUid(),
                            f.hasKeySlice() ? f.keyFrame() : null));
                });
            } else if (engine.kind() == AiEngines.Kind.ONNX) {
                submit(ready, engine, () -> {
                    OnnxConfig c = engines.onnxConfig(engine.id());
                    try (OnnxModelEngine model = new OnnxModelEngine(c.engine())) {
                        OnnxModelEngine.Finding f = model.analyse(series.mainCtSeries(ready.studyId()));
                        return new Analysis(engine.version(), f.slices(), new AiResults.Incoming(c.finding(), f.score(),
                                null, f.keySopInstanceUid(), f.keySopInstanceUid() == null ? null : 1));
                    }
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

    @FunctionalInterface
    interface Run {
        Analysis run() throws Exception;
    }

    private void submit(ExamReady ready, AiEngines.Engine engine, Run analysis) {
        long run = jdbc.sql("""
                insert into ai_run (exam_id, engine_id, state, started_at) values (:exam, :engine, 'RUNNING', :at)
                returning id""")
                .param("exam", ready.examId()).param("engine", engine.id())
                .param("at", ExamLifecycle.utc(clock.instant())).query(Long.class).single();
        Future<?> task = workers.submit(() -> {
            try {
                Analysis a = analysis.run();
                audit.record("ai:" + engine.code(), "AI_ANALYSED", "exam:" + ready.examId(), null,
                        AuditLog.Outcome.SUCCESS, a.slices() + " slices");
                results.record(ready.examId(), engine, a.version(), a.result());
                finish(run, "DONE", null);
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                finish(run, "TIMED_OUT", "interrupted after " + settings.timeout());
            } catch (Exception e) {
                log.warn("AI run {} of exam {} failed: {}", run, ready.examId(), e.toString());
                finish(run, "FAILED", e.getMessage());
            }
        });
        // The timeout counts from submission: a triage that comes later than this is of no use.
        // A task cancelled before it started never runs its own finish, so the watchdog records it.
        watchdog.schedule(() -> {
            if (task.cancel(true)) {
                finish(run, "TIMED_OUT", "no result within " + settings.timeout());
            }
        }, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finish(long run, String state, String detail) {
        jdbc.sql("update ai_run set state = :state, finished_at = :at, detail = :detail where id = :id and state = 'RUNNING'")
                .param("state", state).param("at", ExamLifecycle.utc(clock.instant())).param("detail", detail)
                .param("id", run).update();
    }

    /** The runs of an exam, for tests and the coordinators: engine code and state. */
    List<String> runStates(long examId) {
        return jdbc.sql("select state from ai_run where exam_id = :id order by id").param("id", examId)
                .query(String.class).list();
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
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ai-watchdog");
            t.setDaemon(true);
            return t;
        });
        // Runs left RUNNING by an instance that stopped (a crash) are closed once no live instance
        // could still be working on them.
        jdbc.sql("update ai_run set state = 'FAILED', finished_at = :now, detail = 'stopped with its instance' "
                        + "where state = 'RUNNING' and started_at < :stale")
                .param("now", ExamLifecycle.utc(clock.instant()))
                .param("stale", ExamLifecycle.utc(clock.instant().minus(settings.timeout().multipliedBy(2))))
                .update();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        workers.shutdownNow();
        watchdog.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
