package fr.relais.worklist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Hears the worklist's NOTIFY messages, from this instance and every other one on the same
 * database, and republishes them as {@link WorklistChanged} for the live pages of this instance.
 */
@Component
class WorklistNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorklistNotifications.class);

    private final DataSource dataSource;
    private final ApplicationEventPublisher events;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Thread listener;
    private volatile boolean running;

    WorklistNotifications(DataSource dataSource, ApplicationEventPublisher events) {
        this.dataSource = dataSource;
        this.events = events;
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "worklist-listen");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + WorklistService.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        publish(n.getParameter());
                    }
                }
            } catch (Exception e) {
                if (running) {
                    log.warn("worklist notifications interrupted, listening again in 1 s: {}", e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    private void publish(String payload) {
        try {
            JsonNode p = json.readTree(payload);
            events.publishEvent(new WorklistChanged(p.get("examId").asLong(), p.get("hospitalId").asLong(),
                    p.get("what").asText(), p.get("userId").isNull() ? null : p.get("userId").asLong()));
        } catch (Exception e) {
            log.warn("unreadable worklist notification ignored: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread t = listener;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
