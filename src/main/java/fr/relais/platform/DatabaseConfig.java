package fr.relais.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        return new EmbeddedDatabase(pg);
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(RelaisProperties properties, EmbeddedDatabase embedded) {
        HikariConfig config = new HikariConfig();
        if (embedded.server() != null) {
            config.setJdbcUrl(embedded.server().getJdbcUrl("postgres", "postgres"));
        } else {
            config.setJdbcUrl(properties.db().url());
            config.setUsername(properties.db().user());
            config.setPassword(properties.db().password());
        }
        config.setMaximumPoolSize(40);
        config.setPoolName("relais");
        return new HikariDataSource(config);
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
