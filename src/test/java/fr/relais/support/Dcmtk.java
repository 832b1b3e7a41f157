package fr.relais.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** DCMTK's storescu, the hospital side of the integration tests. */
public final class Dcmtk {

    public record Result(int exitCode, String output) {}

    private Dcmtk() {}

    public static Result storescu(int port, String callingAe, String calledAe, List<Path> files) throws Exception {
        return storescu(port, callingAe, calledAe, List.of(), files);
    }

    /** storescu with options of its own, such as {@code -nh} (go on after a refusal) and {@code -d} (print responses). */
    public static Result storescu(int port, String callingAe, String calledAe, List<String> options, List<Path> files)
            throws Exception {
        requireDcmtk();
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", callingAe, "-aec", calledAe));
        command.addAll(options);
        command.addAll(List.of("127.0.0.1", String.valueOf(port)));
        files.forEach(f -> command.add(f.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("storescu did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    public static Result echoscu(int port, String callingAe, String calledAe) throws Exception {
        requireDcmtk();
        Process p = new ProcessBuilder("echoscu", "-aet", callingAe, "-aec", calledAe, "127.0.0.1", String.valueOf(port))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("echoscu did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    /**
     * Puts the files into another study (DCMTK's dcmodify rewrites their Study Instance UID in
     * place): a series the technologist sends late, or again, into a study already received.
     */
    public static void intoStudy(String studyInstanceUid, List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("dcmodify", "-nb", "-m", "(0020,000D)=" + studyInstanceUid));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("dcmodify failed: " + output);
        }
    }

    /** findscu (-W for the worklist, -S for study root) with its keys and options, against 127.0.0.1. */
    public static Result findscu(int port, String callingAe, String calledAe, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("findscu", "-aet", callingAe, "-aec", calledAe));
        command.addAll(options);
        command.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return run(command);
    }

    /** Any DCMTK tool (dcmodify, dcmdump...), its output and exit code. */
    public static Result run(List<String> command) throws Exception {
        requireDcmtk();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    public static void requireDcmtk() {
        if (!onPath("storescu")) {
            throw new IllegalStateException("DCMTK's storescu is not on the PATH: ./relais test installs the dcmtk package");
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Path.of(dir, tool).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }
}
