package fr.relais.sim;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.dicom.Part10;
import fr.relais.dicom.StoreScu;
import fr.relais.sim.NightProfile.ExamKind;
import fr.relais.sim.NightProfile.PlannedExam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Plays the hospitals of a night against a running Relais: for each exam of the night's plan
 * ({@link NightProfile}, the same as the night simulation's), at its time divided by the speed,
 * the hospital's emergency physician files the request over the API, a regulating radiologist
 * accepts it with a protocol, and the scanner sends a small synthetic CT under its accession
 * number over DICOM, calling with the hospital's AE title. The accounts it needs are created
 * with the administrator's credentials, under names of its own run.
 */
final class HospitalSimulator {

    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    /** Where and how fast; studies are small ({@code slices} × {@code matrix}²) so a laptop copes. */
    record Settings(URI url, String adminUser, String adminPassword, String dicomHost, int dicomPort, String calledAe,
                    int hospitals, int exams, double speed, long seed, int slices, int matrix, int workers) {}

    /** One exam as sent: its hospital, accession number, and the error when it failed. */
    record Sent(int number, String hospital, String accession, String error) {}

    /** A hospital of the run: its AE title and the physician who files its requests. */
    private record SimHospital(long id, String name, String aeTitle, RelaisClient physician) {}

    private final Settings settings;
    private final String run;
    private final AtomicInteger done = new AtomicInteger();
    private final ConcurrentLinkedQueue<Sent> results = new ConcurrentLinkedQueue<>();
    private volatile int total;

    HospitalSimulator(Settings settings) {
        this.settings = settings;
        this.run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    int done() {
        return done.get();
    }

    int total() {
        return total;
    }

    long failed() {
        return results.stream().filter(r -> r.error() != null).count();
    }

    List<Sent> results() {
        return results.stream().sorted(Comparator.comparingInt(Sent::number)).toList();
    }

    /** Sets up the accounts, then plays the night; returns when every exam was sent or failed. */
    void run(Runnable onProgress) throws IOException, InterruptedException {
        RelaisClient admin = new RelaisClient(settings.url(), settings.adminUser(), settings.adminPassword());
        List<SimHospital> hospitals = hospitals(admin);
        RelaisClient regulator = account(admin, "regulation", "RADIOLOGIST", null);
        // A radiologist regulates only for the hospitals he is authorised for.
        admin.put("/api/radiologists/" + regulator.accountId() + "/hospitals",
                hospitals.stream().map(SimHospital::id).toList(), 200);
        Instant start = Instant.now();
        List<PlannedExam> plan = NightProfile.plan(settings.exams(), hospitals.size(), start, settings.seed());
        total = plan.size();
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(settings.workers());
        try {
            for (PlannedExam exam : plan) {
                long delayMillis = (long) (Duration.between(start, exam.firstImage()).toMillis() / settings.speed());
                SimHospital hospital = hospitals.get(exam.hospital() - 1);
                pool.schedule(() -> play(exam, hospital, regulator), delayMillis, TimeUnit.MILLISECONDS);
            }
            while (done.get() < total) {
                onProgress.run();
                Thread.sleep(250);
            }
            onProgress.run();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The hospitals that call with an AE title, the first N by id; created ("CH Simulé k") when too few. */
    private List<SimHospital> hospitals(RelaisClient admin) throws IOException {
        List<JsonNode> existing = new ArrayList<>();
        admin.get("/api/hospitals").forEach(h -> {
            if (h.get("aeTitles").size() > 0) {
                existing.add(h);
            }
        });
        existing.sort(Comparator.comparingLong(h -> h.get("id").asLong()));
        List<SimHospital> chosen = new ArrayList<>();
        for (int k = 0; k < settings.hospitals(); k++) {
            JsonNode h = k < existing.size() ? existing.get(k) : createHospital(admin, k + 1);
            long id = h.get("id").asLong();
            chosen.add(new SimHospital(id, h.get("name").asText(), h.get("aeTitles").get(0).asText(),
                    account(admin, "h" + id, "HOSPITAL_PHYSICIAN", id)));
        }
        return chosen;
    }

    private JsonNode createHospital(RelaisClient admin, int k) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "CH Simulé " + run + "-" + k);
        body.put("finess", String.format(Locale.ROOT, "99%07d", new SecureRandom().nextInt(10_000_000)));
        body.put("aeTitles", List.of(("SIM" + run + "_" + k).toUpperCase(Locale.ROOT)));
        return admin.post("/api/hospitals", body, 201);
    }

    /** An account of this run with a random password, created by the administrator. */
    private RelaisClient account(RelaisClient admin, String what, String role, Long hospitalId) throws IOException {
        String username = "sim-" + run + "-" + what;
        String password = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36) + "-Sim";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("displayName", ("RADIOLOGIST".equals(role) ? "Dr Régulation simulée " : "Dr Urgentiste simulé ") + what);
        body.put("role", role);
        body.put("hospitalId", hospitalId);
        body.put("password", password);
        long id = admin.post("/api/users", body, 201).get("id").asLong();
        return new RelaisClient(settings.url(), username, password, id);
    }

    private void play(PlannedExam exam, SimHospital hospital, RelaisClient regulator) {
        String accession = null;
        Path folder = null;
        try {
            SplittableRandom random = new SplittableRandom(settings.seed() * 31 + exam.number());
            SyntheticPatient patient = SyntheticPatient.from(random, LocalDate.now());
            String patientId = "SIM-" + run + "-" + exam.number();
            String[] name = patient.name().split("\\^");
            JsonNode filed = hospital.physician().post("/api/requests", request(exam, patientId, name, patient), 201);
            accession = filed.get("accessionNumber").asText();
            regulator.post("/api/requests/" + filed.get("id").asLong() + "/accept",
                    Map.of("text", protocol(exam.kind())), 200);
            folder = Files.createTempDirectory("relais-sim-");
            SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder()
                    .slices(settings.slices()).rows(settings.matrix()).columns(settings.matrix())
                    .bleed(exam.bleed()).seed(settings.seed() * 31 + exam.number())
                    .patientId(patientId).patientName(patient.name()).birthDate(patient.birthDate())
                    .sex(patient.sex()).accession(accession).institution(hospital.name())
                    .build(), folder);
            StoreScu scu = new StoreScu(settings.dicomHost(), settings.dicomPort(), hospital.aeTitle(),
                    settings.calledAe(), Duration.ofSeconds(30));
            for (SyntheticCt.Instance instance : study.instances()) {
                byte[] file = Files.readAllBytes(instance.file());
                StoreScu.Status status = scu.store(CT_IMAGE_STORAGE, instance.sopInstanceUid(), syntax -> {
                    if (!EXPLICIT_VR_LITTLE_ENDIAN.equals(syntax)) {
                        throw new IOException("the peer accepted only " + syntax);
                    }
                    int offset = Part10.dataSetOffset(file);
                    return java.util.Arrays.copyOfRange(file, offset, file.length);
                });
                if (!status.stored()) {
                    throw new IOException("C-STORE refused: status 0x" + Integer.toHexString(status.code())
                            + " " + status.errorComment());
                }
            }
            results.add(new Sent(exam.number(), hospital.name(), accession, null));
        } catch (IOException | RuntimeException e) {
            results.add(new Sent(exam.number(), hospital.name(), accession, e.getMessage()));
        } finally {
            deleteQuietly(folder);
            done.incrementAndGet();
        }
    }

    private static Map<String, Object> request(PlannedExam exam, String patientId, String[] name, SyntheticPatient patient) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("patientId", patientId);
        r.put("familyName", name[0]);
        r.put("givenName", name.length > 1 ? name[1] : "X");
        r.put("birthDate", patient.birthDate().toString());
        r.put("sex", patient.sex());
        r.put("examTypeCode", exam.kind().examTypeCode());
        r.put("clinicalContext", context(exam.kind()));
        r.put("question", question(exam.kind()));
        r.put("urgency", exam.urgency().name());
        // Contrast safety and pregnancy: asked for every exam, the server ignores what it does not need.
        r.put("creatinineUmolPerL", 80);
        r.put("contrastAllergy", false);
        r.put("pregnancy", "F".equals(patient.sex()) ? "NOT_PREGNANT" : "NOT_APPLICABLE");
        r.put("requestingPhysician", "Dr Urgentiste simulé");
        r.put("callbackPhone", "05 00 00 00 00");
        r.put("consent", "PATIENT_SIGNED");
        return r;
    }

    private static String context(ExamKind kind) {
        return switch (kind) {
            case HEAD -> "Chute de sa hauteur sous anticoagulants, céphalées";
            case ABDOMEN_PELVIS -> "Douleur abdominale fébrile de la fosse iliaque droite";
            case ANGIOGRAPHY -> "Dyspnée brutale, tachycardie, D-dimères positifs";
            case THORAX -> "Toux fébrile, désaturation";
            case TRAUMA -> "Accident de la voie publique à haute cinétique";
        };
    }

    private static String question(ExamKind kind) {
        return switch (kind) {
            case HEAD -> "Hémorragie intracrânienne ?";
            case ABDOMEN_PELVIS -> "Appendicite ? Complication ?";
            case ANGIOGRAPHY -> "Embolie pulmonaire ?";
            case THORAX -> "Pneumopathie ?";
            case TRAUMA -> "Bilan lésionnel";
        };
    }

    private static String protocol(ExamKind kind) {
        return switch (kind) {
            case HEAD -> "Crâne sans injection";
            case ABDOMEN_PELVIS -> "Abdomen-pelvis au temps portal";
            case ANGIOGRAPHY -> "Angioscanner thoracique";
            case THORAX -> "Thorax sans injection";
            case TRAUMA -> "Polytraumatisé";
        };
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary folder is not worth failing the night for.
        }
    }
}
