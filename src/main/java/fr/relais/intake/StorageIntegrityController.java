package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.dicom.Bytes;
import fr.relais.dicom.DicomHeader;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import fr.relais.storage.ObjectStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An administrator's check of one study: every indexed instance is decrypted, its integrity tag
 * verified and its UID compared with the index. Used after an incident, and by the crash test.
 * Also the list of objects the recovery quarantined.
 */
@RestController
class StorageIntegrityController {

    record Problem(String sopInstanceUid, String reason) {}

    record Report(String studyInstanceUid, int indexed, int readable, List<Problem> problems, List<String> instances) {}

    private record Row(String sopInstanceUid, String objectKey) {}

    private final JdbcClient jdbc;
    private final ObjectStore store;
    private final AuditLog audit;

    StorageIntegrityController(JdbcClient jdbc, ObjectStore store, AuditLog audit) {
        this.jdbc = jdbc;
        this.store = store;
        this.audit = audit;
    }

    /**
     * Objects set aside because they could not be read (a complete file that does not decrypt with
     * the master key, or does not parse): kept for an administrator, never deleted.
     */
    @GetMapping("/api/storage/quarantine")
    @PreAuthorize("hasRole('ADMIN')")
    List<ObjectStore.Quarantined> quarantine() throws IOException {
        return store.quarantined();
    }

    @GetMapping("/api/storage/integrity")
    @PreAuthorize("hasRole('ADMIN')")
    Report check(@RequestParam String studyInstanceUid, @AuthenticationPrincipal AccountPrincipal user,
                 HttpServletRequest request) {
        List<Row> rows = jdbc.sql("""
                select i.sop_instance_uid, i.object_key
                from instance i join series se on se.id = i.series_id join study s on s.id = se.study_id
                where s.study_uid = :uid order by i.id""")
                .param("uid", studyInstanceUid)
                .query(Row.class)
                .list();
        List<Problem> problems = new ArrayList<>();
        for (Row row : rows) {
            try {
                // Every chunk decrypted and its tag checked; then the header, read by range.
                store.verify(row.objectKey());
                try (Bytes file = Bytes.of(store.open(row.objectKey()))) {
                    if (!DicomHeader.parseFile(file).sopInstanceUid().equals(row.sopInstanceUid())) {
                        problems.add(new Problem(row.sopInstanceUid(), "object holds another instance"));
                    }
                }
            } catch (IOException | java.io.UncheckedIOException | DicomHeader.InvalidObjectException e) {
                problems.add(new Problem(row.sopInstanceUid(), e.getMessage()));
            }
        }
        audit.record(user.username(), "STORAGE_INTEGRITY_CHECKED", "study:" + studyInstanceUid,
                request.getRemoteAddr(), problems.isEmpty() ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILED,
                rows.size() + " checked, " + problems.size() + " problems");
        return new Report(studyInstanceUid, rows.size(), rows.size() - problems.size(), problems,
                rows.stream().map(Row::sopInstanceUid).toList());
    }
}
