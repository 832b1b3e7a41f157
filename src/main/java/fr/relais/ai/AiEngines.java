package fr.relais.ai;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        jdbc.sql("""
                insert into ai_engine (code, name, kind, version, exam_types, token_hash)
                values (:code, :name, 'HTTP', :version, :types, :hash)
                on conflict (code) do update set name = excluded.name, version = excluded.version,
                    exam_types = excluded.exam_types, token_hash = excluded.token_hash""")
                .param("code", code).param("name", name).param("version", version)
                .param("types", examTypes.toArray(String[]::new)).param("hash", hash(token)).update();
        return byCode(code).orElseThrow();
    }

    /** The settings of an ONNX engine (ai_engine.config); an engine without them cannot run. */
    AiDispatch.OnnxConfig onnxConfig(long engineId) {
        String config = jdbc.sql("select config::text from ai_engine where id = :id").param("id", engineId)
                .query(String.class).optional().orElse(null);
        if (config == null) {
            throw new IllegalStateException("ONNX engine " + engineId + " has no config");
        }
        try {
            return JSON.readValue(config, AiDispatch.OnnxConfig.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("ONNX engine " + engineId + " has an unreadable config: " + e.getMessage());
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
