package fr.relais.request;

import fr.relais.dicom.WorklistItem;
import fr.relais.platform.Zones;
import fr.relais.storage.Sealer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a hospital's scanners find on the Modality Worklist: its accepted requests whose images
 * have not all come (PROTOCOLED, ACQUIRING), with the request's identity and accession number so
 * that the images arrive under them, and never another hospital's (the query is scoped by the
 * hospital the calling AE title identifies, in SQL). A request is scheduled on every station of
 * its hospital, from its acceptance, in the hospital's zone.
 */
@Service
public class ModalityWorklist {

    /** Every exam of the catalog is a CT. */
    static final String MODALITY = "CT";

    private final JdbcClient jdbc;
    private final Sealer sealer;
    private final Zones zones;

    ModalityWorklist(JdbcClient jdbc, Sealer sealer, Zones zones) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.zones = zones;
    }

    /** The hospital's scheduled items; stationAeTitles puts the calling AE title first. */
    public List<WorklistItem> scheduled(long hospitalId, String callingAeTitle) {
        List<String> stations = new ArrayList<>();
        stations.add(callingAeTitle);
        jdbc.sql("select ae_title from hospital_ae_title where hospital_id = :h order by ae_title")
                .param("h", hospitalId).query(String.class).list().stream()
                .filter(t -> !t.equals(callingAeTitle)).forEach(stations::add);
        ZoneId zone = zones.hospital(hospitalId);
        return jdbc.sql("""
                select r.exam_id, r.accession_number, r.patient_key, r.family_name_sealed, r.given_name_sealed,
                       r.birth_date_sealed, r.sex, r.urgency, r.requesting_physician, r.protocol, r.decided_at,
                       t.code as exam_type, t.label_fr
                from exam_request r join exam e on e.id = r.exam_id join exam_type t on t.code = r.exam_type_code
                where r.hospital_id = :h and e.hospital_id = :h and e.state in ('PROTOCOLED', 'ACQUIRING')
                order by r.decided_at, r.exam_id limit 1000""")
                .param("h", hospitalId)
                .query((rs, n) -> {
                    String accession = rs.getString("accession_number");
                    OffsetDateTime decided = rs.getObject("decided_at", OffsetDateTime.class);
                    String family = sealer.open(RequestService.FAMILY_NAME, rs.getBytes("family_name_sealed"));
                    String given = sealer.open(RequestService.GIVEN_NAME, rs.getBytes("given_name_sealed"));
                    return new WorklistItem("exam:" + rs.getLong("exam_id"), rs.getString("patient_key"),
                            family + "^" + given,
                            LocalDate.parse(sealer.open(RequestService.BIRTH_DATE, rs.getBytes("birth_date_sealed"))),
                            rs.getString("sex"), accession, studyInstanceUid(rs.getLong("exam_id"), accession), accession,
                            lo(rs.getString("label_fr")), priority(rs.getString("urgency")),
                            pn(rs.getString("requesting_physician")), MODALITY, stations,
                            decided == null ? null : decided.atZoneSameInstant(zone).toLocalDateTime(), accession,
                            lo(rs.getString("protocol") == null ? rs.getString("exam_type") : rs.getString("protocol")));
                })
                .list();
    }

    /**
     * The study instance UID the scanner is given for this request: stable (the same at each
     * query), unique (from the exam and its accession number), under the 2.25 UUID root.
     */
    static String studyInstanceUid(long examId, String accession) {
        UUID uuid = UUID.nameUUIDFromBytes(("relais-study:" + examId + ":" + accession).getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    /** P1 is STAT, P2 HIGH, P3 ROUTINE (the values of Requested Procedure Priority). */
    private static String priority(String urgency) {
        return switch (urgency) {
            case "P1" -> "STAT";
            case "P2" -> "HIGH";
            default -> "ROUTINE";
        };
    }

    /** LO holds 64 characters, on one line and without backslash. */
    private static String lo(String text) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("[\\r\\n\\t\\\\]+", " ").strip();
        return line.length() > 64 ? line.substring(0, 64) : line;
    }

    private static String pn(String name) {
        String n = lo(name);
        return n == null ? null : n.replace('^', ' ');
    }
}
