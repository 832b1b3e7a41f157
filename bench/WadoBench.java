import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load client of {@code ./relais bench wado} (bench/wado.sh starts the servers and loads the
 * study; this program only measures). A plain single-file program, run with
 * {@code java bench/WadoBench.java ARGS}: it needs nothing but the JDK.
 *
 * <p>For every server given with {@code --server NAME|BASE_URL|USER|PASSWORD} (BASE_URL is the
 * DICOMweb root, e.g. http://127.0.0.1:8080/dicomweb), and the study {@code --study UID}:
 * <ol>
 *   <li>not timed: the series and its instances from QIDO-RS, sorted by instance number; the
 *   series metadata once (its instance count and Rows x Columns x BitsAllocated give the expected
 *   frame size); frame 1 of the first instance, whose pixel bytes must be the same on every server;
 *   <li>timed, in rounds that alternate the servers (which one goes first alternates too):
 *   {@code --metadata-repeats} sequential series metadata requests (body read to the end), then
 *   every frame of the series, {@code frames/1} of each instance, spread round-robin over
 *   {@code --clients} threads that each own one HTTP/1.1 keep-alive connection, then
 *   {@code --single-frames} sequential frame requests from one client.
 * </ol>
 * Every request carries HTTP Basic credentials. Every frame answer is checked: status 200 and a
 * multipart body whose one part holds exactly the expected number of bytes.
 */
public class WadoBench {

    /** A server, and the header that authenticates to it (Authorization, or a session's Cookie). */
    record Server(String name, String base, String authHeader, String authValue) {}

    record Instance(String sopUid, int number) {}

    /** What QIDO and one metadata call told about a server's copy of the study. */
    record Target(Server server, String study, String seriesUid, List<Instance> instances, int frameBytes,
                  long metadataBytes, String frameSha256) {}

    static final String JSON = "application/dicom+json";
    static String frameAccept = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (java.util.concurrent.ExecutionException e) {
            fail(String.valueOf(e.getCause().getMessage()));
        } catch (IllegalStateException | IOException e) {
            fail(e.getMessage());
        }
    }

    static void run(String[] args) throws Exception {
        List<Server> servers = new ArrayList<>();
        String study = null;
        int rounds = 5, warmup = 2, clients = 6, slices = 300, metadataRepeats = 3, singleFrames = 30;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--server" -> servers.add(server(need(a, v)));
                case "--study" -> study = need(a, v);
                case "--rounds" -> rounds = number(a, v, 1);
                case "--warmup" -> warmup = number(a, v, 0);
                case "--clients" -> clients = number(a, v, 1);
                case "--slices" -> slices = number(a, v, 1);
                case "--metadata-repeats" -> metadataRepeats = number(a, v, 1);
                case "--single-frames" -> singleFrames = number(a, v, 0);
                case "--frame-accept" -> frameAccept = need(a, v);
                default -> fail("unknown option " + a);
            }
            i++;
        }
        if (study == null || servers.isEmpty()) {
            fail("usage: java bench/WadoBench.java --study UID --server 'NAME|BASE_URL|USER|PASSWORD' ... "
                    + "[--rounds N] [--warmup N] [--clients N] [--slices N] [--metadata-repeats N] [--single-frames N]");
        }

        List<Target> targets = new ArrayList<>();
        for (Server s : servers) {
            targets.add(prepare(s, study, slices));
        }
        check(targets);

        int n = targets.size();
        Stats[] metadata = new Stats[n], allFrames = new Stats[n], frameUnderLoad = new Stats[n], frameAlone = new Stats[n];
        for (int k = 0; k < n; k++) {
            metadata[k] = new Stats();
            allFrames[k] = new Stats();
            frameUnderLoad[k] = new Stats();
            frameAlone[k] = new Stats();
        }
        System.out.printf(Locale.ROOT, "%d warm-up rounds, then %d rounds; each: %d x series metadata, %d frames over %d clients, %d frames from 1 client%n",
                warmup, rounds, metadataRepeats, slices, clients, singleFrames);
        for (int round = 1 - warmup; round <= rounds; round++) {
            boolean counted = round >= 1;
            StringBuilder line = new StringBuilder(counted ? String.format(Locale.ROOT, "round %d:", round)
                    : String.format(Locale.ROOT, "warm-up %d:", round + warmup));
            for (int j = 0; j < n; j++) {
                // The server that goes first alternates from round to round.
                int k = Math.floorMod(round + j, n);
                Target t = targets.get(k);
                Stats meta = new Stats();
                for (int r = 0; r < metadataRepeats; r++) {
                    double seconds = timeMetadata(t);
                    meta.add(seconds);
                    if (counted) {
                        metadata[k].add(seconds);
                    }
                }
                Stats under = counted ? frameUnderLoad[k] : new Stats();
                double all = timeAllFrames(t, clients, under);
                if (counted) {
                    allFrames[k].add(all);
                }
                Stats alone = counted ? frameAlone[k] : new Stats();
                timeSingleFrames(t, singleFrames, alone);
                line.append(String.format(Locale.ROOT, "   %s metadata %.0f ms, all frames %.2f s", t.server().name(),
                        meta.median() * 1000, all));
            }
            System.out.println(line);
        }

        System.out.println();
        List<String> names = targets.stream().map(t -> t.server().name()).toList();
        SERVER_NAMES.addAll(names);
        String header = String.format(Locale.ROOT, "%-44s", "metric");
        for (String name : names) {
            header += String.format(Locale.ROOT, " %18s", name);
        }
        if (n == 2) {
            header += String.format(Locale.ROOT, " %12s  %s", names.get(1) + "/" + names.get(0), "goal >= 2x");
        }
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        boolean goal = true;
        goal &= row("series metadata, median (ms)", metadata, 1000, "%.1f", true, true, "metadata_median", "ms");
        row("series metadata, p95 (ms)", metadata, 1000, "%.1f", false, false, "metadata_p95", "ms");
        goal &= row(String.format(Locale.ROOT, "all %d frames, %d clients, median (s)", slices, clients), allFrames, 1, "%.3f",
                true, true, "all_frames_median", "s");
        row(String.format(Locale.ROOT, "all %d frames, %d clients, p95 (s)", slices, clients), allFrames, 1, "%.3f",
                false, false, "all_frames_p95", "s");
        row("  frames per second (from the median)", perSecond(allFrames, slices), -1, "%.0f", true, false,
                "frames_per_s", "1/s");
        row("  one frame under load, median (ms)", frameUnderLoad, 1000, "%.1f", true, false, "frame_under_load_median", "ms");
        row("  one frame under load, p95 (ms)", frameUnderLoad, 1000, "%.1f", false, false, "frame_under_load_p95", "ms");
        if (singleFrames > 0) {
            row("one frame, 1 client, median (ms)", frameAlone, 1000, "%.1f", true, false, "frame_alone_median", "ms");
            row("one frame, 1 client, p95 (ms)", frameAlone, 1000, "%.1f", false, false, "frame_alone_p95", "ms");
        }
        System.out.println();
        for (Target t : targets) {
            System.out.printf(Locale.ROOT, "%s: series metadata body %,d bytes for %d instances; frame part %,d bytes; %d samples of metadata, %d of all frames%n",
                    t.server().name(), t.metadataBytes(), t.instances().size(), t.frameBytes(),
                    metadata[targets.indexOf(t)].size(), allFrames[targets.indexOf(t)].size());
        }
        if (n == 2) {
            System.out.println();
            System.out.println("goal (" + names.get(0) + " at least twice as fast as " + names.get(1)
                    + " on series metadata and on all frames, medians): " + (goal ? "MET" : "NOT MET"));
        }
        // Last, one machine-readable line per figure: bench wado NAME VALUE UNIT.
        FIGURES.forEach(System.out::println);
    }

    // ---- preparation (not timed)

    static Target prepare(Server s, String study, int slices) throws Exception {
        HttpClient http = client();
        String seriesJson = text(http, s, s.base() + "/studies/" + study + "/series", JSON);
        List<String> series = values(seriesJson, "0020000E");
        if (series.size() != 1) {
            fail(s.name() + ": expected one series in study " + study + ", QIDO answered " + series.size());
        }
        String seriesUid = series.get(0);
        List<Instance> instances = new ArrayList<>();
        for (int offset = 0; ; ) {
            String page = text(http, s, s.base() + "/studies/" + study + "/series/" + seriesUid
                    + "/instances?limit=1000&offset=" + offset, JSON);
            List<Instance> got = instances(page);
            instances.addAll(got);
            offset += got.size();
            if (got.size() < 1000) {
                break;
            }
        }
        instances.sort(Comparator.comparingInt(Instance::number).thenComparing(Instance::sopUid));
        if (instances.size() != slices) {
            fail(s.name() + ": QIDO lists " + instances.size() + " instances in the series, expected " + slices);
        }
        HttpResponse<byte[]> meta = get(http, s, seriesUrl(s, study, seriesUid) + "/metadata", JSON);
        String metaJson = new String(meta.body(), StandardCharsets.UTF_8);
        int rows = firstInt(metaJson, "00280010"), columns = firstInt(metaJson, "00280011"),
                bits = firstInt(metaJson, "00280100");
        int entries = count(metaJson, "\"00080018\"");
        if (entries != slices) {
            fail(s.name() + ": series metadata holds " + entries + " instances, expected " + slices);
        }
        int frameBytes = rows * columns * (bits / 8);
        HttpResponse<byte[]> frame = get(http, s, frameUrl(s, study, seriesUid, instances.get(0).sopUid()), frameAccept);
        byte[] part = part(frame);
        if (part.length != frameBytes) {
            fail(s.name() + ": frame 1 of the first instance has " + part.length + " bytes, expected " + frameBytes
                    + " (" + rows + "x" + columns + "x" + bits + " bits); Content-Type "
                    + frame.headers().firstValue("Content-Type").orElse("?"));
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(part));
        return new Target(s, study, seriesUid, instances, frameBytes, meta.body().length, sha);
    }

    /** The servers hold the same study: same series, same instances, same pixels in frame 1. */
    static void check(List<Target> targets) {
        Target first = targets.get(0);
        for (Target t : targets.subList(1, targets.size())) {
            if (!t.seriesUid().equals(first.seriesUid())) {
                fail(t.server().name() + " and " + first.server().name() + " list different series");
            }
            if (!new HashSet<>(t.instances()).equals(new HashSet<>(first.instances()))) {
                fail(t.server().name() + " and " + first.server().name() + " list different instances");
            }
            if (!t.frameSha256().equals(first.frameSha256())) {
                fail(t.server().name() + " and " + first.server().name() + " return different pixel bytes for frame 1");
            }
        }
        System.out.printf(Locale.ROOT, "checked: %d servers list the same %d instances; frame 1 is %,d identical pixel bytes on each%n",
                targets.size(), first.instances().size(), first.frameBytes());
    }

    // ---- measurements

    static double timeMetadata(Target t) throws Exception {
        HttpClient http = client();
        String url = seriesUrl(t.server(), t.study(), t.seriesUid()) + "/metadata";
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = get(http, t.server(), url, JSON);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.body().length < t.metadataBytes() / 2) {
            fail(t.server().name() + ": series metadata shrank to " + r.body().length + " bytes");
        }
        return seconds;
    }

    /** Every frame, spread round-robin over the clients, each with its own connection; wall-clock seconds. */
    static double timeAllFrames(Target t, int clients, Stats perRequest) throws Exception {
        List<String> urls = new ArrayList<>();
        for (Instance i : t.instances()) {
            urls.add(frameUrl(t.server(), t.study(), t.seriesUid(), i.sopUid()));
        }
        HttpClient[] http = new HttpClient[clients];
        for (int c = 0; c < clients; c++) {
            http[c] = client();
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long t0 = System.nanoTime();
            List<Future<double[]>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    List<Double> times = new ArrayList<>();
                    for (int k = client; k < urls.size(); k += clients) {
                        long s0 = System.nanoTime();
                        HttpResponse<byte[]> r = get(http[client], t.server(), urls.get(k), frameAccept);
                        times.add((System.nanoTime() - s0) / 1e9);
                        int got = part(r).length;
                        if (got != t.frameBytes()) {
                            throw new IllegalStateException(t.server().name() + ": a frame of " + got
                                    + " bytes, expected " + t.frameBytes() + ": " + urls.get(k));
                        }
                    }
                    return times.stream().mapToDouble(Double::doubleValue).toArray();
                }));
            }
            List<double[]> all = new ArrayList<>();
            for (Future<double[]> f : done) {
                all.add(f.get());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            all.forEach(times -> Arrays.stream(times).forEach(perRequest::add));
            return seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    static void timeSingleFrames(Target t, int count, Stats perRequest) throws Exception {
        HttpClient http = client();
        for (int k = 0; k < count; k++) {
            Instance i = t.instances().get((k * 37) % t.instances().size());
            String url = frameUrl(t.server(), t.study(), t.seriesUid(), i.sopUid());
            long s0 = System.nanoTime();
            HttpResponse<byte[]> r = get(http, t.server(), url, frameAccept);
            perRequest.add((System.nanoTime() - s0) / 1e9);
            if (part(r).length != t.frameBytes()) {
                fail(t.server().name() + ": wrong frame size from " + url);
            }
        }
    }

    // ---- HTTP

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<byte[]> get(HttpClient http, Server s, String url, String accept) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Accept", accept).header(s.authHeader(), s.authValue()).GET().build();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            String body = new String(r.body(), 0, Math.min(r.body().length, 500), StandardCharsets.UTF_8);
            throw new IllegalStateException(s.name() + ": HTTP " + r.statusCode() + " for GET " + url + " (Accept: "
                    + accept + "): " + body);
        }
        return r;
    }

    static String text(HttpClient http, Server s, String url, String accept) throws IOException, InterruptedException {
        return new String(get(http, s, url, accept).body(), StandardCharsets.UTF_8);
    }

    static String seriesUrl(Server s, String study, String series) {
        return s.base() + "/studies/" + study + "/series/" + series;
    }

    static String frameUrl(Server s, String study, String series, String sop) {
        return seriesUrl(s, study, series) + "/instances/" + sop + "/frames/1";
    }

    // ---- multipart/related: the bytes of the single part

    static byte[] part(HttpResponse<byte[]> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        Matcher m = Pattern.compile("boundary=(\"([^\"]+)\"|[^;\\s]+)", Pattern.CASE_INSENSITIVE).matcher(type);
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !m.find()) {
            throw new IllegalStateException("not a multipart/related answer: Content-Type " + type);
        }
        String boundary = m.group(2) != null ? m.group(2) : m.group(1);
        byte[] body = r.body();
        byte[] open = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int start = indexOf(body, open, 0, body.length);
        int headersEnd = start < 0 ? -1 : indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start, body.length);
        byte[] close = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int end = lastIndexOf(body, close, Math.max(0, body.length - 512 - close.length));
        if (headersEnd < 0 || end < headersEnd + 4) {
            throw new IllegalStateException("cannot find the part in a multipart answer of " + body.length + " bytes");
        }
        if (indexOf(body, close, headersEnd + 4, end) >= 0) {
            throw new IllegalStateException("more than one part in the answer");
        }
        return Arrays.copyOfRange(body, headersEnd + 4, end);
    }

    static int indexOf(byte[] hay, byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int lastIndexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = hay.length - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- just enough DICOM JSON (PS3.18 F.2), without a JSON library

    /** The first value of every occurrence of a tag. */
    static List<String> values(String json, String tag) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + tag + "\"\\s*:\\s*\\{[^{}]*?\"Value\"\\s*:\\s*\\[\\s*\"?([^\",\\]]*)\"?")
                .matcher(json);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    static int firstInt(String json, String tag) {
        List<String> v = values(json, tag);
        if (v.isEmpty()) {
            fail("no value for " + tag + " in the series metadata");
        }
        return (int) Double.parseDouble(v.get(0));
    }

    /** Instances of a QIDO answer: one JSON object per instance, each with 00080018 and maybe 00200013. */
    static List<Instance> instances(String json) {
        List<Instance> out = new ArrayList<>();
        // Split on the top-level objects: QIDO instance answers have no nested objects but the attributes.
        int depth = 0, start = -1;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                i = json.indexOf('"', i + 1);
            } else if (c == '{') {
                if (depth++ == 0) {
                    start = i;
                }
            } else if (c == '}' && --depth == 0) {
                String object = json.substring(start, i + 1);
                List<String> sop = values(object, "00080018");
                List<String> number = values(object, "00200013");
                if (sop.isEmpty()) {
                    fail("an instance without SOPInstanceUID in QIDO: " + object);
                }
                out.add(new Instance(sop.get(0), number.isEmpty() ? Integer.MAX_VALUE : (int) Double.parseDouble(number.get(0))));
            }
        }
        return out;
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    // ---- figures

    static final class Stats {
        private final List<Double> samples = new ArrayList<>();

        void add(double v) {
            synchronized (samples) {
                samples.add(v);
            }
        }

        int size() {
            return samples.size();
        }

        double median() {
            double[] s = sorted();
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        /** Nearest rank. */
        double p95() {
            double[] s = sorted();
            return s[Math.max(0, (int) Math.ceil(0.95 * s.length) - 1)];
        }

        private double[] sorted() {
            double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (s.length == 0) {
                throw new IllegalStateException("no samples");
            }
            return s;
        }
    }

    static Stats[] perSecond(Stats[] seconds, int frames) {
        Stats[] out = new Stats[seconds.length];
        for (int k = 0; k < seconds.length; k++) {
            out[k] = new Stats();
            out[k].add(frames / seconds[k].median());
        }
        return out;
    }

    /**
     * One table row of medians (or p95 when median is false), times scale; a negative scale marks a
     * rate (higher is better, shown unscaled). The ratio is always how many times faster the first
     * server is than the second; true when it is at least 2.
     */
    static boolean row(String label, Stats[] stats, double scale, String format, boolean median, boolean goal,
                       String figure, String unit) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", label));
        double[] v = new double[stats.length];
        for (int k = 0; k < stats.length; k++) {
            v[k] = (median ? stats[k].median() : stats[k].p95()) * Math.abs(scale);
            line.append(String.format(Locale.ROOT, " %18s", String.format(Locale.ROOT, format, v[k])));
            FIGURES.add(String.format(Locale.ROOT, "bench wado %s_%s %s %s", key(SERVER_NAMES.get(k)), figure,
                    number(v[k]), unit));
        }
        boolean met = true;
        if (stats.length == 2) {
            double ratio = scale < 0 ? v[0] / v[1] : v[1] / v[0];
            met = ratio >= 2;
            line.append(String.format(Locale.ROOT, " %12s", String.format(Locale.ROOT, "%.2f", ratio)));
            if (goal) {
                line.append("  ").append(met ? "yes" : "no");
            }
            if (median) {
                FIGURES.add(String.format(Locale.ROOT, "bench wado %s_speed_over_%s_%s %s ratio", key(SERVER_NAMES.get(0)),
                        key(SERVER_NAMES.get(1)), figure.replaceFirst("_median$", ""), number(ratio)));
            }
        }
        System.out.println(line);
        return met;
    }

    /** The machine-readable lines, printed last. */
    static final List<String> FIGURES = new ArrayList<>();
    static final List<String> SERVER_NAMES = new ArrayList<>();

    /** A server's name as a figure's prefix: lower case, letters and digits. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    /** A finite figure, four significant digits at least, no exponent. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalStateException("a figure is not a number: " + v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    // ---- arguments

    /**
     * NAME|BASE_URL|USER|PASSWORD for HTTP Basic, or NAME|BASE_URL|cookie|NAME=VALUE for a session
     * cookie (a page login's, as the viewer reads); a last field env:VARIABLE is read from the
     * environment, so that no secret need be on the command line.
     */
    static Server server(String spec) {
        String[] p = spec.split("\\|", 4);
        if (p.length != 4) {
            fail("--server wants NAME|BASE_URL|USER|PASSWORD or NAME|BASE_URL|cookie|NAME=VALUE, got "
                    + spec.split("\\|")[0] + "...");
        }
        String base = p[1].endsWith("/") ? p[1].substring(0, p[1].length() - 1) : p[1];
        String secret = p[3];
        if (secret.startsWith("env:")) {
            secret = System.getenv(secret.substring(4));
            if (secret == null || secret.isEmpty()) {
                fail(p[0] + ": the environment variable " + p[3].substring(4) + " is not set");
            }
        }
        if (p[2].equals("cookie")) {
            return new Server(p[0], base, "Cookie", secret);
        }
        return new Server(p[0], base, "Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((p[2] + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    static String need(String option, String value) {
        if (value == null) {
            fail(option + " needs a value");
        }
        return value;
    }

    static int number(String option, String value, int min) {
        try {
            int n = Integer.parseInt(need(option, value));
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        fail(option + " wants a whole number >= " + min + ", got " + value);
        return 0;
    }

    static void fail(String message) {
        System.err.println("bench wado: " + message);
        System.exit(1);
    }
}
