package fr.relais;

import fr.relais.dicom.DicomFuzz;
import fr.relais.dicom.TestObjects;
import fr.relais.reading.ReadableStudies;
import fr.relais.security.Role;
import fr.relais.sim.SyntheticCt;
import fr.relais.sim.SyntheticCt.GeneratedStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded, seeded fuzzer at every door: the DICOM port (mutated A-ASSOCIATE-RQ, mutated
 * P-DATA-TF after a valid association, abrupt closes), STOW-RS (malformed multipart bodies and
 * mutated Part 10 files) and QIDO/WADO (hostile paths, parameters and headers, as a coordinator
 * and anonymously), while a well-behaved hospital keeps sending studies with DCMTK.
 *
 * <p>Invariants: no 5xx, no connection left hanging, every HTTP refusal a problem detail, a
 * C-STORE whose framing is intact always answered with a status, and nothing the well-behaved
 * hospital was told was stored is missing. Replay a run with {@code -Dfuzz.seed=}; bound it with
 * {@code -Dfuzz.seconds=} (60) and {@code -Dfuzz.cases=}.
 */
class FuzzIT extends BaseIntegrationTest {

    private static final String BOUNDARY = "fuzz-boundary-5f1e";
    /** A connection the server has all input for (it is half-closed) must end well before this. */
    private static final int ANSWER_TIMEOUT_MILLIS = 70_000;

    @TempDir
    Path work;

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> hangs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notProblems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unanswered = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unansweredStores = Collections.synchronizedList(new ArrayList<>());

    private String fuzzAe;
    private String technologistAuth;
    private String coordinatorAuth;
    private GeneratedStudy readable;
    private byte[] baseFile;
    private byte[] baseDataSet;
    private String baseUid;

    @Test
    void everyDoorAnswersHostileInputCleanlyWhileAHospitalKeepsSending() throws Exception {
        long seed = System.getProperty("fuzz.seed") != null ? Long.parseLong(System.getProperty("fuzz.seed"))
                : new SecureRandom().nextLong();
        int seconds = Integer.getInteger("fuzz.seconds", 60);
        int maxCases = Integer.getInteger("fuzz.cases", 1_000_000);
        System.out.println("fuzz: seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + seconds + " s or "
                + maxCases + " cases");

        fuzzAe = uniqueAeTitle("FUZZ");
        String senderAe = uniqueAeTitle("GOOD");
        long fuzzHospital = createHospital(unique("CH Fuzz"), fuzzAe);
        long senderHospital = createHospital(unique("CH Sender"), senderAe);
        TestAccount technologist = createAccount(Role.HOSPITAL_TECHNOLOGIST, fuzzHospital);
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        technologistAuth = ApiClient.basic(technologist.username(), technologist.password());
        coordinatorAuth = ApiClient.basic(coordinator.username(), coordinator.password());
        // A study the coordinator may read, so that WADO cases reach real objects too.
        readable = ReadableStudies.sendReadyExam(jdbc, dicomDoor.port(), fuzzAe,
                as(createAccount(Role.HOSPITAL_PHYSICIAN, fuzzHospital)), as(createAccount(Role.RADIOLOGIST, null)),
                "IPP-FUZZ", SyntheticCt.StudySpec.builder().slices(2).rows(64).columns(64).seed(seed),
                work.resolve("readable")).study();
        // The object the mutations start from (never sent as it is: each case renews its UID).
        GeneratedStudy base = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64)
                .seed(seed + 1).build(), work.resolve("base"));
        baseFile = Files.readAllBytes(base.files().get(0));
        baseDataSet = TestObjects.dataSet(base.files().get(0));
        baseUid = base.sopInstanceUids().get(0);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicInteger cases = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        WellBehavedSender sender = new WellBehavedSender(senderAe, seed);
        Future<?> sending = pool.submit(() -> sender.run(stop));
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Random random = new Random(seed * 31 + w);
            int worker = w;
            workers.add(pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() < deadline && cases.incrementAndGet() <= maxCases) {
                    oneCase(random, "w" + worker + "#" + n++);
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get(seconds + 600L, TimeUnit.SECONDS);
        }
        stop.set(true);
        sending.get(600, TimeUnit.SECONDS);
        pool.shutdown();

        Map<String, Integer> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.get()));
        System.out.println("fuzz: " + String.join(", ", sorted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .toList()) + "; 5xx " + serverErrors.size() + "; hangs " + hangs.size() + "; 4xx without problem detail "
                + notProblems.size() + "; unanswered HTTP " + unanswered.size() + "; C-STORE unanswered "
                + unansweredStores.size() + "; well-behaved runs " + sender.runs + ", instances acknowledged "
                + sender.acknowledged.size() + "; seed " + seed);
        report("slow case (over 2 s)", slowest);
        report("5xx", serverErrors);
        report("hang", hangs);
        report("4xx without problem detail", notProblems);
        report("HTTP closed without an answer", unanswered);
        report("C-STORE without a response", unansweredStores);

        // The well-behaved hospital was served throughout, and nothing it was told was stored is lost.
        assertThat(sender.failures).as("well-behaved sender's failed runs").isEmpty();
        assertThat(sender.runs).isGreaterThanOrEqualTo(3);
        List<String> indexed = jdbc.sql("""
                select i.sop_instance_uid from instance i join series se on se.id = i.series_id
                join study s on s.id = se.study_id where s.hospital_id = :h""")
                .param("h", senderHospital).query(String.class).list();
        assertThat(indexed).containsAll(sender.acknowledged);
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);

        assertThat(serverErrors).as("5xx answers to malformed requests").isEmpty();
        assertThat(hangs).as("connections left hanging").isEmpty();
        assertThat(unanswered).as("HTTP requests closed without an answer").isEmpty();
        assertThat(notProblems).as("HTTP refusals that are no problem detail").isEmpty();
        assertThat(unansweredStores).as("well-framed C-STORE requests answered by an abort").isEmpty();
    }

    /** The slowest cases, to see where the budget goes (printed, not asserted). */
    private final List<String> slowest = Collections.synchronizedList(new ArrayList<>());
    private final ThreadLocal<String> current = new ThreadLocal<>();

    private void oneCase(Random r, String id) {
        int kind = r.nextInt(100);
        long start = System.nanoTime();
        current.set(null);
        try {
            oneCaseOf(kind, r, id);
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > 2000) {
                slowest.add(id + " took " + millis + " ms: " + printable(String.valueOf(current.get()), 300));
            }
        }
    }

    private void oneCaseOf(int kind, Random r, String id) {
        try {
            if (kind < 22) {
                count("dicom-associate");
                dicomAssociate(r, id);
            } else if (kind < 45) {
                count("dicom-pdata");
                dicomPdata(r, id);
            } else if (kind < 65) {
                count("stow");
                stow(r, id);
            } else {
                count("qido-wado");
                qidoWado(r, id);
            }
        } catch (IOException e) {
            // A refused connection or a reset is the server's right; a hang is caught where it happens.
            count("io-error");
        }
    }

    // ---- DICOM

    private void dicomAssociate(Random r, String id) throws IOException {
        DicomFuzz.Case c = DicomFuzz.associateCase(r, "RELAIS", r.nextInt(4) == 0 ? "NOT_A_HOSPITAL" : fuzzAe);
        boolean abrupt = r.nextInt(8) == 0;
        try (Socket socket = dicomSocket()) {
            write(socket, c.bytes());
            if (abrupt) {
                socket.setSoLinger(true, 0); // a reset, as a crashing modality leaves
                count("dicom-abrupt-close");
                return;
            }
            readToEnd(socket, "dicom " + id + " " + c.description());
        }
    }

    private void dicomPdata(Random r, String id) throws IOException {
        String uid = renewedUid(r);
        byte[] dataSet = replace(baseDataSet, baseUid, uid);
        DicomFuzz.Case c = DicomFuzz.pdataCase(r, dataSet, uid);
        try (Socket socket = dicomSocket()) {
            write(socket, DicomFuzz.associateRq("RELAIS", fuzzAe));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(6);
            if (head.length < 6 || head[0] != 2) {
                unansweredStores.add("dicom " + id + ": a valid A-ASSOCIATE-RQ was not accepted (PDU "
                        + (head.length == 0 ? "none" : head[0]) + ")");
                return;
            }
            in.readNBytes((int) (((head[2] & 0xFFL) << 24) | ((head[3] & 0xFF) << 16) | ((head[4] & 0xFF) << 8) | (head[5] & 0xFF)));
            boolean abrupt = !c.wellFramed() && r.nextInt(8) == 0;
            byte[] bytes = abrupt ? Arrays.copyOf(c.bytes(), r.nextInt(c.bytes().length + 1)) : c.bytes();
            write(socket, bytes);
            if (abrupt) {
                socket.setSoLinger(true, 0);
                count("dicom-abrupt-close");
                return;
            }
            if (c.wellFramed()) {
                write(socket, new byte[]{5, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            }
            byte[] answer = readToEnd(socket, "dicom " + id + " " + c.description());
            if (answer != null && c.wellFramed() && !hasStoreResponse(answer)) {
                unansweredStores.add("dicom " + id + " " + c.description() + ": answered " + summary(answer));
            }
        }
    }

    /** A P-DATA-TF carrying a command (the C-STORE-RSP) among the PDUs received. */
    private static boolean hasStoreResponse(byte[] pdus) {
        int pos = 0;
        while (pos + 6 <= pdus.length) {
            int type = pdus[pos] & 0xFF;
            long length = ((pdus[pos + 2] & 0xFFL) << 24) | ((pdus[pos + 3] & 0xFF) << 16) | ((pdus[pos + 4] & 0xFF) << 8)
                    | (pdus[pos + 5] & 0xFF);
            if (type == 4 && pos + 12 <= pdus.length && (pdus[pos + 11] & 1) != 0) {
                return true;
            }
            pos += 6 + (int) Math.min(length, Integer.MAX_VALUE - 16);
        }
        return false;
    }

    private Socket dicomSocket() throws IOException {
        Socket socket = new Socket("127.0.0.1", dicomDoor.port());
        socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    // ---- STOW-RS

    private void stow(Random r, String id) throws IOException {
        StringBuilder what = new StringBuilder();
        String contentType = stowContentType(r, what);
        byte[] body = stowBody(r, what);
        String path = r.nextInt(10) == 0 ? "/dicomweb/studies/" + pathUid(r) : "/dicomweb/studies";
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: " + technologistAuth + "\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        int transport = r.nextInt(20);
        byte[] sent;
        if (transport < 14) {
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            sent = DicomFuzz.concat(ascii(head.toString()), body);
        } else if (transport < 18) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            sent = DicomFuzz.concat(ascii(head.toString()), chunked(r, body, transport == 17));
            what.append(transport == 17 ? ", chunked without its last chunk" : ", chunked");
        } else {
            // Declares more than it sends, then half-closes: a sender that died mid-request.
            head.append("Content-Length: ").append(body.length + 1 + r.nextInt(100_000)).append("\r\n\r\n");
            sent = DicomFuzz.concat(ascii(head.toString()), body);
            what.append(", body shorter than its Content-Length");
        }
        Answer a = http(sent, "stow " + id + " " + what);
        if (a != null) {
            check(a, "stow " + id + " POST " + printable(path, 80) + " " + what, true);
        }
    }

    private String stowContentType(Random r, StringBuilder what) {
        String good = "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;
        int k = r.nextInt(20);
        String ct = switch (k) {
            case 0 -> "multipart/related; type=\"application/dicom\"";
            case 1 -> good + "; boundary=other";
            case 2 -> "multipart/related; type=\"application/json\"; boundary=" + BOUNDARY;
            case 3 -> "multipart/form-data; boundary=" + BOUNDARY;
            case 4 -> "application/dicom";
            case 5 -> null;
            case 6 -> "multipart/related; boundary=\"" + BOUNDARY;
            case 7 -> good + "; x=" + "y".repeat(8000);
            case 8 -> "multipart/related; boundary=" + "b".repeat(71);
            case 9 -> "multipart/related; boundary=a\u0001b";
            case 10 -> ";;;===";
            case 11 -> "multipart/related; type=application/dicom; boundary=\"" + BOUNDARY + "\"";
            default -> good;
        };
        what.append("Content-Type ").append(ct == null ? "none" : printable(ct, 80));
        return ct;
    }

    private byte[] stowBody(Random r, StringBuilder what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (r.nextInt(10) == 0) {
            out.writeBytes(ascii("a preamble\r\n"));
        }
        int parts = r.nextInt(4);
        what.append(", ").append(parts).append(" parts:");
        boolean lfOnly = r.nextInt(15) == 0;
        String eol = lfOnly ? "\n" : "\r\n";
        for (int p = 0; p < parts; p++) {
            out.writeBytes(ascii("--" + BOUNDARY + eol));
            int k = r.nextInt(14);
            byte[] content;
            String headers = "Content-Type: application/dicom" + eol;
            switch (k) {
                case 0, 1, 2 -> {
                    content = replace(baseFile, baseUid, renewedUid(r));
                    what.append(" valid");
                }
                case 3, 4, 5, 6 -> {
                    PartMutation m = mutatePart10(r, replace(baseFile, baseUid, renewedUid(r)));
                    content = m.bytes();
                    what.append(" part10 ").append(m.what());
                }
                case 7 -> {
                    content = new byte[r.nextInt(5000)];
                    r.nextBytes(content);
                    what.append(" random ").append(content.length);
                }
                case 8 -> {
                    content = ascii("--inner\r\nContent-Type: application/dicom\r\n\r\n");
                    content = DicomFuzz.concat(content, replace(baseFile, baseUid, renewedUid(r)), ascii("\r\n--inner--\r\n"));
                    headers = "Content-Type: multipart/related; type=\"application/dicom\"; boundary=inner" + eol;
                    what.append(" nested multipart");
                }
                case 9 -> {
                    content = replace(baseFile, baseUid, renewedUid(r));
                    headers = headers + "X-Huge: " + "h".repeat(10_000 + r.nextInt(20_000)) + eol;
                    what.append(" huge header");
                }
                case 10 -> {
                    content = replace(baseFile, baseUid, renewedUid(r));
                    headers = r.nextBoolean() ? "" : "no colon here" + eol;
                    what.append(" no or nameless header");
                }
                case 11 -> {
                    content = ascii("{\"a\":1}");
                    headers = "Content-Type: " + (r.nextBoolean() ? "application/json" : "appl\u00e9cation/dicom;;=") + eol;
                    what.append(" wrong part type");
                }
                case 12 -> {
                    byte[] file = replace(baseFile, baseUid, renewedUid(r));
                    int at = r.nextInt(file.length);
                    content = DicomFuzz.concat(Arrays.copyOf(file, at), ascii("\r\n--" + BOUNDARY + "X"),
                            Arrays.copyOfRange(file, at, file.length));
                    what.append(" boundary inside the data at ").append(at);
                }
                default -> {
                    content = new byte[0];
                    what.append(" empty");
                }
            }
            out.writeBytes(headers.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(ascii(eol));
            out.writeBytes(content);
            out.writeBytes(ascii(eol));
        }
        int end = r.nextInt(12);
        if (end == 0) {
            what.append("; no close delimiter");
        } else if (end == 1 && out.size() > 0) {
            int cut = r.nextInt(out.size());
            byte[] cutBody = Arrays.copyOf(out.toByteArray(), cut);
            what.append("; cut at ").append(cut);
            return cutBody;
        } else {
            out.writeBytes(ascii("--" + BOUNDARY + "--" + eol));
            if (end == 2) {
                out.writeBytes(ascii("an epilogue with --" + BOUNDARY + " in it\r\n"));
                what.append("; epilogue");
            }
        }
        if (lfOnly) {
            what.append("; LF line ends");
        }
        return out.toByteArray();
    }

    private record PartMutation(String what, byte[] bytes) {}

    /** A Part 10 file broken in its preamble, DICM prefix, meta header or transfer syntax. */
    private static PartMutation mutatePart10(Random r, byte[] file) {
        byte[] b = file.clone();
        switch (r.nextInt(9)) {
            case 0 -> {
                b[128 + r.nextInt(4)] ^= 0x20;
                return new PartMutation("DICM broken", b);
            }
            case 1 -> {
                return new PartMutation("no preamble", Arrays.copyOfRange(b, 128, b.length));
            }
            case 2 -> {
                long length = new long[]{0, 1, 0x7FFFFFFFL, 0xFFFFFFFFL, 10, 100_000}[r.nextInt(6)];
                putU32(b, 140, (int) length);
                return new PartMutation("meta group length " + length, b);
            }
            case 3 -> {
                String ts = new String[]{"1.2.3.999", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.50",
                        "1.2.840.10008.1.2.5", "", "\u00ff\u00fe", "1.2.840.10008.1.2"}[r.nextInt(8)];
                return new PartMutation("transfer syntax '" + printable(ts, 30) + "'", withTransferSyntax(b, ts));
            }
            case 4 -> {
                int cut = r.nextInt(b.length);
                return new PartMutation("truncated to " + cut, Arrays.copyOf(b, cut));
            }
            case 5 -> {
                int flips = 1 + r.nextInt(12);
                for (int i = 0; i < flips; i++) {
                    b[128 + r.nextInt(Math.min(b.length - 128, 600))] ^= (byte) (1 << r.nextInt(8));
                }
                return new PartMutation(flips + " bit flips in the meta header", b);
            }
            case 6 -> {
                // The first meta element after the group length claims a huge value.
                putU32(b, 144 + 8, 0x7FFFFFF0);
                return new PartMutation("meta element of length 7FFFFFF0", b);
            }
            case 7 -> {
                DicomFuzz.MutatedDataSet m = DicomFuzz.mutateDataSet(r, Arrays.copyOfRange(b, metaEnd(b), b.length));
                return new PartMutation("data set " + m.what(), DicomFuzz.concat(Arrays.copyOf(b, metaEnd(b)), m.bytes()));
            }
            default -> {
                return new PartMutation("only the preamble", Arrays.copyOf(b, 132));
            }
        }
    }

    /** The offset where the data set starts: after the meta group its group length announces. */
    private static int metaEnd(byte[] file) {
        return 144 + (int) (file[140] & 0xFF | (file[141] & 0xFF) << 8 | (file[142] & 0xFF) << 16 | (long) (file[143] & 0xFF) << 24);
    }

    /** The same file with another (0002,0010), the group length fixed to match. */
    private static byte[] withTransferSyntax(byte[] file, String ts) {
        int pos = 144;
        int end = metaEnd(file);
        while (pos + 8 <= end) {
            int group = file[pos] & 0xFF | (file[pos + 1] & 0xFF) << 8;
            int element = file[pos + 2] & 0xFF | (file[pos + 3] & 0xFF) << 8;
            String vr = new String(file, pos + 4, 2, StandardCharsets.US_ASCII);
            boolean longForm = vr.equals("OB") || vr.equals("UN") || vr.equals("UT");
            int header = longForm ? 12 : 8;
            int length = longForm ? (int) (file[pos + 8] & 0xFF | (file[pos + 9] & 0xFF) << 8 | (file[pos + 10] & 0xFF) << 16
                    | (long) (file[pos + 11] & 0xFF) << 24) : file[pos + 6] & 0xFF | (file[pos + 7] & 0xFF) << 8;
            if (group == 2 && element == 0x10) {
                byte[] value = ts.getBytes(StandardCharsets.ISO_8859_1);
                if (value.length % 2 == 1) {
                    value = Arrays.copyOf(value, value.length + 1);
                }
                byte[] elementBytes = new byte[8 + value.length];
                System.arraycopy(file, pos, elementBytes, 0, 6);
                elementBytes[6] = (byte) value.length;
                elementBytes[7] = (byte) (value.length >>> 8);
                System.arraycopy(value, 0, elementBytes, 8, value.length);
                byte[] out = DicomFuzz.concat(Arrays.copyOf(file, pos), elementBytes, Arrays.copyOfRange(file, pos + header + length,
                        file.length));
                putU32(out, 140, end - 144 + value.length - length);
                return out;
            }
            pos += header + length;
        }
        return file;
    }

    private static byte[] chunked(Random r, byte[] body, boolean withoutLast) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < body.length) {
            int n = Math.min(body.length - pos, 1 + r.nextInt(20_000));
            out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
            out.write(body, pos, n);
            out.writeBytes(ascii("\r\n"));
            pos += n;
        }
        if (!withoutLast) {
            out.writeBytes(ascii("0\r\n\r\n"));
        }
        return out.toByteArray();
    }

    // ---- QIDO-RS and WADO-RS

    private void qidoWado(Random r, String id) throws IOException {
        boolean anonymous = r.nextInt(4) == 0;
        String study = r.nextInt(3) == 0 ? pathUid(r) : readable.studyInstanceUid();
        String series = r.nextInt(3) == 0 ? pathUid(r) : readable.seriesInstanceUid();
        String instance = r.nextInt(3) == 0 ? pathUid(r) : readable.sopInstanceUids().get(0);
        String s = "/dicomweb/studies/" + study;
        String e = s + "/series/" + series;
        String i = e + "/instances/" + instance;
        String path = switch (r.nextInt(18)) {
            case 0, 1 -> "/dicomweb/studies" + query(r);
            case 2 -> s + "/series" + query(r);
            case 3 -> e + "/instances" + query(r);
            case 4 -> s;
            case 5 -> s + "/metadata";
            case 6 -> e;
            case 7 -> e + "/metadata";
            case 8 -> i;
            case 9 -> i + "/metadata";
            case 10, 11 -> i + "/frames/" + frames(r);
            case 12 -> i + "/rendered" + renderQuery(r);
            case 13 -> i + "/frames/" + frames(r) + "/rendered" + renderQuery(r);
            case 14 -> i + "/thumbnail" + renderQuery(r);
            case 15 -> s + "/" + new String[]{"bogus", "", "series/", "..", "%2e%2e/%2e%2e/actuator/health"}[r.nextInt(5)];
            case 16 -> "/dicomweb/" + new String[]{"", "series", "instances", "studies/", "studies//series"}[r.nextInt(5)];
            default -> i + "/frames/";
        };
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if (!anonymous) {
            head.append("Authorization: ").append(coordinatorAuth).append("\r\n");
        }
        String accept = new String[]{null, null, "application/dicom+json", "multipart/related; type=\"application/octet-stream\"",
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", "image/png", "*/*", ";;;",
                "multipart/related; type=\"image/jpeg\"", "application/dicom+json;q=abc", "x/" + "y".repeat(5000),
                "multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50"}[r.nextInt(12)];
        if (accept != null) {
            head.append("Accept: ").append(accept).append("\r\n");
        }
        head.append("\r\n");
        String what = (anonymous ? "anonymous " : "coordinator ") + "GET " + printable(path, 200)
                + (accept == null ? "" : " Accept: " + printable(accept, 60));
        Answer a = http(ascii(head.toString()), "qido-wado " + id + " " + what);
        if (a != null) {
            check(a, "qido-wado " + id + " " + what, false);
        }
    }

    private static String pathUid(Random r) {
        return new String[]{"1.2.3", "1.2.840.99999999." + r.nextInt(Integer.MAX_VALUE), "9".repeat(64) + ".1",
                "1." + "2.".repeat(5000) + "3", "..", "%2e%2e", "1.2%2F3", "1.2%00", "1.2%252F", "%C0%AF", "%zz", "%",
                "%E2%80%AE1.2", "1.2.840.10008.1.2.1%20", "1.2;jsessionid=x", "1.2%3Bx", "a'b", "*", "1.2.3.", "0.00.1",
                "1.2.3%0D%0AX-Injected:%20yes", "%ff%fe", "1.2.3?x=y", "1.2.3#frag"}[r.nextInt(24)];
    }

    private static String frames(Random r) {
        return new String[]{"1", "2", "1,2", "1,0,-1,99999999999", "0", "-1", "99999999999", "1,,2", ",", "2147483648",
                "1e3", "%31", "1,".repeat(2000) + "1", "3", "1%2C2", "+1", " 1", "1.0"}[r.nextInt(18)];
    }

    private static String query(Random r) {
        String[] keys = {"limit", "offset", "includefield", "StudyInstanceUID", "0020000D", "AccessionNumber", "ModalitiesInStudy",
                "Modality", "SeriesInstanceUID", "SOPInstanceUID", "fuzzymatching", "PatientName", "%00", "limit", "offset"};
        String[] values = {"-1", "0", "1", "1000", "1001", "99999999999", "2147483648", "abc", "", "1e3", "%00", "unknown",
                "all", "00100010", "zzzz", "%", "*", "?", "'", "%5C", "CT", "CT%5CMR", "1.2.3", "9".repeat(10_000), "%2F%2F",
                "%E9t%E9", "%C3%A9", "1.2.840.10008.1.2.1", "true"};
        int n = r.nextInt(4);
        StringBuilder q = new StringBuilder();
        for (int k = 0; k < n; k++) {
            q.append(k == 0 ? '?' : '&').append(keys[r.nextInt(keys.length)]);
            if (r.nextInt(8) != 0) {
                q.append('=').append(values[r.nextInt(values.length)]);
            }
        }
        return q.toString();
    }

    private static String renderQuery(Random r) {
        String[] windows = {"40,80", "40", "a,b", "40,0", "40,-5", "NaN,80", "Infinity,1e308", "1e309,1", "40,80,sigmoid",
                "", "40,80,linear", "-1e308,1e308", "40,80,,", "4%2C80"};
        String[] viewports = {"0,0", "99999,1", "-1,5", "512,512", "a,b", "1", "", "1,1", "9999,9999", "64,1"};
        StringBuilder q = new StringBuilder();
        if (r.nextBoolean()) {
            q.append("window=").append(windows[r.nextInt(windows.length)]);
        }
        if (r.nextBoolean()) {
            q.append(q.isEmpty() ? "" : "&").append("viewport=").append(viewports[r.nextInt(viewports.length)]);
        }
        return q.isEmpty() ? "" : "?" + q;
    }

    // ---- HTTP over a raw socket: nothing between the fuzzer and the server normalises the request

    private record Answer(int status, String contentType) {}

    private Answer http(byte[] request, String what) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            write(socket, request);
            byte[] answer = readToEnd(socket, what);
            if (answer == null) {
                return null;
            }
            String text = new String(answer, 0, Math.min(answer.length, 16_384), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                unanswered.add(what + ": " + (answer.length == 0 ? "closed without a byte" : printable(text, 80)));
                return null;
            }
            int status = Integer.parseInt(text.substring(9, 12));
            String contentType = null;
            int headEnd = text.indexOf("\r\n\r\n");
            for (String line : text.substring(0, headEnd < 0 ? text.length() : headEnd).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).trim();
                }
            }
            return new Answer(status, contentType);
        }
    }

    private void check(Answer a, String what, boolean stow) {
        String ct = a.contentType() == null ? "" : a.contentType().toLowerCase(Locale.ROOT);
        if (a.status() >= 500) {
            serverErrors.add(what + " -> " + a.status() + " " + ct);
        } else if (stow && (a.status() == 200 || a.status() == 202 || a.status() == 409) && ct.startsWith("application/dicom+json")) {
            count("stow-answered-" + a.status());
        } else if (a.status() >= 400 && !ct.startsWith("application/problem+json")) {
            notProblems.add(what + " -> " + a.status() + " " + (ct.isEmpty() ? "(no Content-Type)" : ct));
        }
    }

    // ---- sockets

    /** Writes what it can: the server may close early (a refusal), which is its right. */
    private static void write(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closedEarly) {
            // read what the server said, if anything
        }
    }

    /**
     * Half-closes, then reads until the server closes. Null when it does not within the timeout: a
     * hang, since the server has had all its input.
     */
    private byte[] readToEnd(Socket socket, String what) {
        current.set(what);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            if (!socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (got.size() < 1 << 20) {
                    got.write(buffer, 0, n);
                }
            }
        } catch (SocketTimeoutException e) {
            hangs.add(what + ": no end after " + ANSWER_TIMEOUT_MILLIS / 1000 + " s, got " + summary(got.toByteArray()));
            return null;
        } catch (IOException reset) {
            // a reset after or instead of an answer: what came before it counts
        }
        return got.toByteArray();
    }

    // ---- the well-behaved hospital

    private final class WellBehavedSender {
        private final String ae;
        private final long seed;
        final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        volatile int runs;

        WellBehavedSender(String ae, long seed) {
            this.ae = ae;
            this.seed = seed;
        }

        void run(AtomicBoolean stop) {
            while (!stop.get() || runs < 3) {
                try {
                    GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(4).rows(64).columns(64)
                            .patientId("IPP-GOOD-" + runs).seed(seed + 100 + runs).build(), work.resolve("good-" + runs));
                    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of("storescu", "-v", "-aet", ae, "-aec", "RELAIS",
                            "127.0.0.1", String.valueOf(dicomDoor.port()))));
                    study.files().forEach(f -> pb.command().add(f.toString()));
                    pb.environment().put("TCP_NODELAY", "1");
                    Process p = pb.redirectErrorStream(true).start();
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!p.waitFor(120, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                    // storescu sends the files in order; each response follows its request.
                    List<String> responses = output.lines().filter(l -> l.contains("Received Store Response")).toList();
                    for (int k = 0; k < responses.size() && k < study.instances().size(); k++) {
                        if (responses.get(k).contains("(Success)")) {
                            acknowledged.add(study.sopInstanceUids().get(k));
                        }
                    }
                    if (p.exitValue() != 0 || responses.size() != study.instances().size()
                            || responses.stream().anyMatch(l -> !l.contains("(Success)"))) {
                        failures.add("run " + runs + ": exit " + p.exitValue() + "\n" + output);
                    }
                } catch (Exception e) {
                    failures.add("run " + runs + ": " + e);
                }
                runs++;
            }
        }
    }

    // ---- helpers

    /** The base object's SOP instance UID with its last digits changed: same length, so bytes can be swapped. */
    private String renewedUid(Random r) {
        int digits = 0;
        while (digits < 9 && Character.isDigit(baseUid.charAt(baseUid.length() - 1 - digits))
                && baseUid.charAt(baseUid.length() - 2 - digits) != '.') {
            digits++;
        }
        StringBuilder tail = new StringBuilder();
        for (int k = 0; k < digits; k++) {
            tail.append((char) ('0' + r.nextInt(10)));
        }
        return baseUid.substring(0, baseUid.length() - digits) + tail;
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = ascii(from);
        byte[] t = ascii(to);
        byte[] out = bytes.clone();
        for (int i = 0; i + f.length <= out.length; i++) {
            if (out[i] == f[0] && Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
            }
        }
        return out;
    }

    private static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s, int max) {
        String clean = s.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > max ? clean.substring(0, max) + "...(" + s.length() + " chars)" : clean;
    }

    private static String summary(byte[] answer) {
        return answer.length == 0 ? "nothing" : answer.length + " bytes " + DicomFuzz.hex(Arrays.copyOf(answer, Math.min(answer.length, 24)));
    }

    private void count(String kind) {
        counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void report(String what, List<String> findings) {
        synchronized (findings) {
            findings.stream().limit(30).forEach(f -> System.out.println("fuzz finding (" + what + "): " + f));
            if (findings.size() > 30) {
                System.out.println("fuzz finding (" + what + "): ... and " + (findings.size() - 30) + " more");
            }
        }
    }
}
