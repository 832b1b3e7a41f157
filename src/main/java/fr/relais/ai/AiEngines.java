package fr.relais.ai;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The engines, which exam types each analyses, their thresholds and their credentials (ai_engine, ai_threshold). */
@Repository
public class AiEngines {

    public enum Kind { BUILTIN, HTTP, DICOM, ONNX }

    public record Engine(long id, String code, String name, Kind kind, String version, boolean enabled) {}

    private static final String COLUMNS = "id, code, name, kind, version, enabled";

    private final JdbcClient jdbc;

    AiEngines(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Engine> all() {
        return jdbc.sql("select " + COLUMNS + " from ai_engine order by id").query(AiEngines::engine).list();
    }

    /** The enabled engines configured for an exam type. */
    public List<Engine> forExamType(String examTypeCode) {
        return jdbc.sql("select " + COLUMNS + " from ai_engine where enabled and :type = any(exam_types) order by id")
                .param("type", examTypeCode).query(AiEngines::engine).list();
    }

    public Optional<Engine> byCode(String code) {
        return jdbc.sql("select " + COLUMNS + " from ai_engine where code = :code")
                .param("code", code).query(AiEngines::engine).optional();
    }

    /** The enabled engine whose token this is; the token itself is never stored. */
    public Optional<Engine> byToken(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return jdbc.sql("select " + COLUMNS + " from ai_engine where enabled and token_hash = :hash")
                .param("hash", hash(token)).query(AiEngines::engine).optional();
    }

    /** Registers (or updates) an HTTP engine with its token, for the exam types given. */
    public Engine registerHttpEngine(String code, String name, String version, List<String> examTypes, String token) {
        return register(code, name, Kind.HTTP, version, examTypes, hash(token), null);
    }

    /**
     * An external engine reached over DICOM: the study goes by C-STORE to its AE title at host:port,
     * its SR comes back from that AE title; timeoutSeconds (optional) overrides relais.ai.timeout.
     */
    public record DicomConfig(String aeTitle, String host, int port, Integer timeoutSeconds) {
        Duration timeout(Duration otherwise) {
            return timeoutSeconds == null ? otherwise : Duration.ofSeconds(timeoutSeconds);
        }
    }

    /** Registers (or updates) a DICOM engine, for the exam types given. */
    public Engine registerDicomEngine(String code, String name, String version, List<String> examTypes, DicomConfig config) {
        return registerConfigured(Kind.DICOM, code, name, version, examTypes, config);
    }

    /** Registers (or updates) an operator's ONNX model as an engine, for the exam types given. */
    Engine registerOnnxEngine(String code, String name, String version, List<String> examTypes, AiDispatch.OnnxConfig config) {
        return registerConfigured(Kind.ONNX, code, name, version, examTypes, config);
    }

    private Engine registerConfigured(Kind kind, String code, String name, String version, List<String> examTypes,
                                      Object config) {
        try {
            return register(code, name, kind, version, examTypes, null, JSON.writeValueAsString(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Engine register(String code, String name, Kind kind, String version, List<String> examTypes, String tokenHash,
                            String config) {
        jdbc.sql("""
                insert into ai_engine (code, name, kind, version, exam_types, token_hash, config)
                values (:code, :name, :kind, :version, :types, :hash, cast(:config as jsonb))
                on conflict (code) do update set name = excluded.name, kind = excluded.kind, version = excluded.version,
                    exam_types = excluded.exam_types, token_hash = excluded.token_hash, config = excluded.config,
                    enabled = true""")
                .param("code", code).param("name", name).param("kind", kind.name()).param("version", version)
                .param("types", examTypes.toArray(String[]::new)).param("hash", tokenHash).param("config", config).update();
        return byCode(code).orElseThrow();
    }

    /** Disables an engine: nothing is sent to it, its token and AE title open nothing; its results stay. */
    public boolean disable(String code) {
        return jdbc.sql("update ai_engine set enabled = false where code = :code and enabled").param("code", code).update() == 1;
    }

    /** The enabled DICOM engine that calls from this AE title. */
    public Optional<Engine> byDicomAeTitle(String aeTitle) {
        return jdbc.sql("select " + COLUMNS + " from ai_engine where enabled and kind = 'DICOM' and config->>'aeTitle' = :ae")
                .param("ae", aeTitle).query(AiEngines::engine).optional();
    }

    /** The exam types an engine analyses. */
    public List<String> examTypes(long engineId) {
        return jdbc.sql("select unnest(exam_types) from ai_engine where id = :id").param("id", engineId)
                .query(String.class).list();
    }

    DicomConfig dicomConfig(long engineId) {
        return config(engineId, DicomConfig.class);
    }

    /** The settings of an ONNX engine (ai_engine.config); an engine without them cannot run. */
    AiDispatch.OnnxConfig onnxConfig(long engineId) {
        return config(engineId, AiDispatch.OnnxConfig.class);
    }

    private <T> T config(long engineId, Class<T> type) {
        String config = jdbc.sql("select config::text from ai_engine where id = :id").param("id", engineId)
                .query(String.class).optional().orElse(null);
        if (config == null) {
            throw new IllegalStateException("engine " + engineId + " has no config");
        }
        try {
            return JSON.readValue(config, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("engine " + engineId + " has an unreadable config: " + e.getMessage());
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The threshold of an engine for a finding, when one is set. */
    public Optional<Double> threshold(long engineId, String finding) {
        return jdbc.sql("select threshold from ai_threshold where engine_id = :e and finding = :f")
                .param("e", engineId).param("f", finding).query(Double.class).optional();
    }

    /** SHA-256 is enough for a random token of 256 bits: nothing to guess, nothing to stretch. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static Engine engine(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Engine(rs.getLong("id"), rs.getString("code"), rs.getString("name"), Kind.valueOf(rs.getString("kind")),
                rs.getString("version"), rs.getBoolean("enabled"));
    }
}
