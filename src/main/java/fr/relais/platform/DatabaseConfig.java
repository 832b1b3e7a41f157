package fr.relais.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.flyway.FlywayDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL everywhere: an embedded server kept under the data folder when no RELAIS_DB_URL is
 * set, the operator's server otherwise. The same SQL runs on both.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

    @Bean(destroyMethod = "close")
    DataFolder dataFolder(RelaisProperties properties) {
        return new DataFolder(properties.dataDir());
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(RelaisProperties properties, DataFolder folder) throws IOException {
        if (!properties.db().embedded()) {
            return EmbeddedDatabase.NONE;
        }
        Path pgData = folder.root().resolve("pg");
        stopOrphanedServer(pgData);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                // The embedded defaults favour test speed; an acknowledged image must survive a crash.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .start();
        log.info("embedded PostgreSQL on port {} with data in {}", pg.getPort(), pgData);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + EMBEDDED_APP_ROLE + "') then "
                    + "create role " + EMBEDDED_APP_ROLE + " login nosuperuser nocreatedb nocreaterole; end if; end $$");
        } catch (SQLException e) {
            pg.close();
            throw new IOException("cannot create the application's database role", e);
        }
        return new EmbeddedDatabase(pg);
    }

    /** The role the application runs as on the embedded server: it owns nothing (see afterMigrate.sql). */
    static final String EMBEDDED_APP_ROLE = "relais_app";

    /** The application's connections: a role that owns no table, so the audit trail's grants bind it. */
    @Bean(destroyMethod = "close")
    @Primary
    DataSource dataSource(RelaisProperties properties, EmbeddedDatabase embedded) {
        HikariConfig config = embedded.server() != null
                ? pool(embedded.server().getJdbcUrl(EMBEDDED_APP_ROLE, "postgres"), null, null)
                : pool(properties.db().url(), properties.db().user(), properties.db().password());
        config.setMaximumPoolSize(40);
        config.setPoolName("relais");
        return new HikariDataSource(config);
    }

    /**
     * The schema owner's connections, for the migrations only (Flyway): the embedded superuser, or
     * RELAIS_DB_OWNER_USER on a real server (the application's user when none is given).
     */
    @Bean(destroyMethod = "close")
    @FlywayDataSource
    DataSource ownerDataSource(RelaisProperties properties, EmbeddedDatabase embedded) {
        RelaisProperties.Db db = properties.db();
        HikariConfig config = embedded.server() != null
                ? pool(embedded.server().getJdbcUrl("postgres", "postgres"), null, null)
                : db.separateOwner() ? pool(db.url(), db.ownerUser(), db.ownerPassword()) : pool(db.url(), db.user(), db.password());
        config.setMaximumPoolSize(5); // Flyway holds its lock on one connection and migrates on others
        config.setMinimumIdle(0);
        config.setIdleTimeout(10_000);
        config.setPoolName("relais-owner");
        return new HikariDataSource(config);
    }

    /** Migrations grant the application's role what it needs, and on the audit trail no more (afterMigrate.sql). */
    @Bean
    FlywayConfigurationCustomizer applicationRole(RelaisProperties properties) {
        RelaisProperties.Db db = properties.db();
        String role = !db.separateOwner() ? "" : db.embedded() ? EMBEDDED_APP_ROLE : db.user();
        if (!db.separateOwner()) {
            log.warn("the application's database user also owns the schema: only triggers keep the audit trail "
                    + "append-only; set RELAIS_DB_OWNER_USER to migrate as another role");
        }
        return configuration -> configuration.placeholders(Map.of("appRole", role));
    }

    /**
     * PostgreSQL's own error codes (sql-error-codes.xml), not Spring 6's generic SQLState classes, which
     * leave some uncategorised: lock_not_available (55P03) becomes a CannotAcquireLockException.
     */
    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setExceptionTranslator(new SQLErrorCodeSQLExceptionTranslator(dataSource));
        return template;
    }

    private static HikariConfig pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
            config.setPassword(password);
        }
        return config;
    }

    /**
     * A server left by a process killed with -9 still holds the data directory. We hold the data
     * folder's lock, so no live Relais owns it: stop it before starting ours.
     */
    private static void stopOrphanedServer(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(orphan -> {
            log.warn("stopping orphaned embedded PostgreSQL (pid {}) left by a previous run", pid);
            orphan.destroy();
            try {
                orphan.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.destroyForcibly();
            }
        });
    }

    record EmbeddedDatabase(EmbeddedPostgres server) implements AutoCloseable {
        static final EmbeddedDatabase NONE = new EmbeddedDatabase(null);

        @Override
        public void close() throws IOException {
            if (server != null) {
                server.close();
            }
        }
    }
}
