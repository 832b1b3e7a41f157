package fr.relais.hospital;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.util.Optional;

/** Who is calling: the hospital behind a calling AE title. */
@Service
public class HospitalDirectory {

    /** What the intake needs to know of a hospital. */
    public record HospitalRef(long id, String name, int retentionDays) {}

    private final JdbcClient jdbc;

    public HospitalDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<HospitalRef> findByCallingAeTitle(String callingAeTitle) {
        return jdbc.sql("""
                select h.id, h.name, h.retention_days
                from hospital_ae_title a join hospital h on h.id = a.hospital_id
                where a.ae_title = :ae""")
                .param("ae", callingAeTitle)
                .query(HospitalRef.class)
                .optional();
    }

    public Optional<HospitalRef> findById(long hospitalId) {
        return jdbc.sql("select id, name, retention_days from hospital where id = :id")
                .param("id", hospitalId)
                .query(HospitalRef.class)
                .optional();
    }
}
