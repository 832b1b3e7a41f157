package fr.relais.ai;

import fr.relais.dicom.AssociationHandler;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomServer;
import fr.relais.dicom.MeasurementReport;
import fr.relais.dicom.StoreScu;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small AI engine on a real TCP DICOM port (our own SCP): it receives a study by C-STORE, and
 * once nothing has arrived for a moment it answers what {@link Answer} makes of the headers it got,
 * as an SR measurement report sent by C-STORE to Relais, calling from its own AE title. An answer
 * of null is an engine that never answers.
 */
final class FakeSrEngine implements AutoCloseable {

    /** The engine's "analysis": from the headers received, the report to send, or null for silence. */
    @FunctionalInterface
    interface Answer {
        MeasurementReport.Report answer(List<DicomHeader> received);
    }

    private static final Duration QUIET = Duration.ofMillis(500);

    private final String aeTitle;
    private final int relaisPort;
    private final Answer answer;
    private final DicomServer server;
    private final List<DicomHeader> received = new CopyOnWriteArrayList<>();
    private final List<StoreScu.Status> answers = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger associations = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private ScheduledFuture<?> pending;

    FakeSrEngine(String aeTitle, int relaisPort, Answer answer) throws IOException {
        this.aeTitle = aeTitle;
        this.relaisPort = relaisPort;
        this.answer = answer;
        this.server = new DicomServer(new DicomServer.Settings(aeTitle, 0, 4, 64 * 1024, 30, 64L << 20), request -> {
            associations.incrementAndGet();
            return new AssociationHandler.Accept(rq -> {
                    try {
                        received.add(DicomHeader.parse(rq.transferSyntaxUid(), rq.data(), rq.length()));
                    } catch (DicomHeader.InvalidObjectException e) {
                        return AssociationHandler.StoreStatus.cannotUnderstand(e.getMessage());
                    }
                    answerWhenQuiet();
                    return AssociationHandler.StoreStatus.SUCCESS;
                });
        });
    }

    /** How many associations Relais opened to send. */
    int associations() {
        return associations.get();
    }

    int port() {
        return server.port();
    }

    List<DicomHeader> received() {
        return List.copyOf(received);
    }

    /** The statuses Relais gave to the engine's answers, in order. */
    List<StoreScu.Status> answers() {
        return List.copyOf(answers);
    }

    private synchronized void answerWhenQuiet() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(() -> {
            MeasurementReport.Report report = answer.answer(received());
            if (report != null) {
                try {
                    answers.add(send(report));
                } catch (IOException e) {
                    answers.add(new StoreScu.Status(-1, e.getMessage()));
                }
            }
        }, QUIET.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a report to Relais as this engine; Relais's status. */
    StoreScu.Status send(MeasurementReport.Report report) throws IOException {
        return sendRaw(report.sopInstanceUid(), syntax -> MeasurementReport.dataSet(report, syntax));
    }

    /** Sends any bytes as a Comprehensive SR, as a faulty engine would. */
    StoreScu.Status sendRaw(String sopInstanceUid, StoreScu.DataSetWriter dataSet) throws IOException {
        return new StoreScu("localhost", relaisPort, aeTitle, "RELAIS", Duration.ofSeconds(10))
                .store(MeasurementReport.COMPREHENSIVE_SR, sopInstanceUid, dataSet);
    }

    /** A report on the study of these headers: one finding with its score and key slice (or none). */
    static MeasurementReport.Report report(DicomHeader study, String finding, double score, DicomHeader key) {
        return new MeasurementReport.Report(study.studyInstanceUid(), newUid(), newUid(), study.patientId(), null,
                List.of(new MeasurementReport.Finding(finding, score, null, key == null ? List.of()
                        : List.of(new MeasurementReport.KeyImage(key.sopClassUid(), key.sopInstanceUid(), null)))));
    }

    static String newUid() {
        UUID u = UUID.randomUUID();
        return "2.25." + new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        server.close();
    }
}
