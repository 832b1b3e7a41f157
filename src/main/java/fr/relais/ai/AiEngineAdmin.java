package fr.relais.ai;

import fr.relais.audit.AuditLog;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The administrator's side of the engines: an external engine is created over HTTP (its token is
 * made here and shown once) or over DICOM (its AE title, which must be no hospital's nor another
 * engine's), an operator's ONNX model from its file (loaded once here, so that a model that cannot
 * run is refused now rather than at the first exam), and disabled when it goes away. The built-in
 * detector comes with the installation.
 */
@Service
class AiEngineAdmin {

    /** What the admin gives for a new engine; the DICOM fields for a DICOM engine, the model's for an ONNX one. */
    record NewEngine(String kind, String code, String name, String version, String examTypes,
                     String aeTitle, String host, Integer port, Integer timeoutSeconds,
                     String model, String inputName, Integer rows, Integer columns, Double windowCenter,
                     Double windowWidth, String finding) {}

    /** The engine created, and for an HTTP engine its token, which is never shown again. */
    record Created(AiEngines.Engine engine, String token) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AiEngines engines;
    private final HospitalDirectory hospitals;
    private final JdbcClient jdbc;
    private final AuditLog audit;

    AiEngineAdmin(AiEngines engines, HospitalDirectory hospitals, JdbcClient jdbc, AuditLog audit) {
        this.engines = engines;
        this.hospitals = hospitals;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    Created create(NewEngine e, Actor actor) {
        String code = e.code() == null ? "" : e.code().trim();
        if (!code.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new InvalidInputException("code", "ai.engine.code", "an engine code is lower-case letters, digits, dot, dash");
        }
        if (engines.byCode(code).isPresent()) {
            throw new ConflictException("code", "ai.engine.exists", "engine {0} exists already", code);
        }
        String name = e.name() == null ? "" : e.name().trim();
        if (name.isEmpty() || name.length() > 200) {
            throw new InvalidInputException("name", "ai.engine.name", "give the engine a name (200 characters at most)");
        }
        List<String> types = examTypes(e.examTypes());
        String version = e.version() == null || e.version().isBlank() ? null : e.version().trim();
        Created created;
        if ("HTTP".equals(e.kind())) {
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            created = new Created(engines.registerHttpEngine(code, name, version, types, token), token);
        } else if ("DICOM".equals(e.kind())) {
            created = new Created(engines.registerDicomEngine(code, name, version, types, dicomConfig(e)), null);
        } else if ("ONNX".equals(e.kind())) {
            created = new Created(engines.registerOnnxEngine(code, name, version, types, onnxConfig(e)), null);
        } else {
            throw new InvalidInputException("kind", "ai.engine.kind", "an engine is HTTP, DICOM or ONNX");
        }
        audit.record(actor.username(), "AI_ENGINE_CREATED", "engine:" + code, actor.source(), AuditLog.Outcome.SUCCESS,
                e.kind() + " " + types);
        return created;
    }

    private AiEngines.DicomConfig dicomConfig(NewEngine e) {
        String ae = e.aeTitle() == null ? "" : e.aeTitle().trim();
        if (ae.isEmpty() || ae.length() > 16 || !ae.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\')) {
            throw new InvalidInputException("aeTitle", "ai.engine.aeTitle", "an AE title is 1 to 16 printable characters, no backslash");
        }
        if (hospitals.findByCallingAeTitle(ae).isPresent()) {
            throw new ConflictException("aeTitle", "ai.engine.aeTitleHospital", "AE title {0} is a hospital''s", ae);
        }
        if (engines.byDicomAeTitle(ae).isPresent()) {
            throw new ConflictException("aeTitle", "ai.engine.aeTitleTaken", "AE title {0} is another engine''s", ae);
        }
        String host = e.host() == null ? "" : e.host().trim();
        if (!host.matches("[A-Za-z0-9.:-]{1,253}")) {
            throw new InvalidInputException("host", "ai.engine.host", "give the engine's host name or address");
        }
        if (e.port() == null || e.port() < 1 || e.port() > 65535) {
            throw new InvalidInputException("port", "ai.engine.port", "a port is between 1 and 65535");
        }
        if (e.timeoutSeconds() != null && (e.timeoutSeconds() < 1 || e.timeoutSeconds() > 3600)) {
            throw new InvalidInputException("timeoutSeconds", "ai.engine.timeout", "a timeout is between 1 and 3600 seconds");
        }
        return new AiEngines.DicomConfig(ae, host, e.port(), e.timeoutSeconds());
    }

    private AiDispatch.OnnxConfig onnxConfig(NewEngine e) {
        String model = e.model() == null ? "" : e.model().trim();
        Path path;
        try {
            path = model.isEmpty() ? null : Path.of(model);
        } catch (InvalidPathException notAPath) {
            path = null;
        }
        if (path == null || !path.isAbsolute() || !Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidInputException("model", "ai.engine.model",
                    "the model is a readable .onnx file, by its absolute path on the server");
        }
        String input = e.inputName() == null ? "" : e.inputName().trim();
        if (input.isEmpty() || input.length() > 100) {
            throw new InvalidInputException("inputName", "ai.engine.inputName", "give the name of the model input");
        }
        if (e.rows() == null || e.columns() == null || e.rows() < 1 || e.columns() < 1 || e.rows() > 2048 || e.columns() > 2048) {
            throw new InvalidInputException("rows", "ai.engine.shape", "the model input is 1 to 2048 rows and columns");
        }
        if (e.windowCenter() == null || e.windowWidth() == null || !(e.windowWidth() > 0 && e.windowWidth() <= 10000)
                || !(e.windowCenter() >= -2000 && e.windowCenter() <= 5000)) {
            throw new InvalidInputException("windowWidth", "ai.engine.window",
                    "the window is a centre between -2000 and 5000 HU and a width between 0 and 10000");
        }
        String finding = e.finding() == null ? "" : e.finding().trim();
        if (!finding.matches("[A-Z0-9_]{1,64}")) {
            throw new InvalidInputException("finding", "ai.result.finding", "a finding is an upper-case code (ICH, PE, FRACTURE)");
        }
        AiDispatch.OnnxConfig config = new AiDispatch.OnnxConfig(model, input, e.rows(), e.columns(), e.windowCenter(),
                e.windowWidth(), finding);
        try (OnnxModelEngine loaded = new OnnxModelEngine(config.engine())) {
            return config;
        } catch (Exception cannotRun) {
            throw new InvalidInputException("model", "ai.engine.modelUnusable", "the model cannot be used: {0}",
                    String.valueOf(cannotRun.getMessage()));
        }
    }

    private List<String> examTypes(String text) {
        List<String> types = Arrays.stream(text == null ? new String[0] : text.split("[,;\\s]+"))
                .map(String::trim).filter(s -> !s.isEmpty()).map(String::toUpperCase).distinct().toList();
        if (types.isEmpty()) {
            throw new InvalidInputException("examTypes", "ai.engine.examTypes", "name the exam types the engine analyses");
        }
        List<String> known = jdbc.sql("select code from exam_type where code in (:codes)").param("codes", types)
                .query(String.class).list();
        for (String t : types) {
            if (!known.contains(t)) {
                throw new InvalidInputException("examTypes", "ai.engine.examType", "no exam type {0} in the catalog", t);
            }
        }
        return types;
    }

    void disable(String code, Actor actor) {
        if (engines.byCode(code).isEmpty()) {
            throw new NotFoundException("ai.engine.unknown", "no engine {0}", code);
        }
        if (engines.disable(code)) {
            audit.record(actor.username(), "AI_ENGINE_DISABLED", "engine:" + code, actor.source(), AuditLog.Outcome.SUCCESS, null);
        }
    }
}
