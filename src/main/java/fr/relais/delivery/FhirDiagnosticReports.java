package fr.relais.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.relais.platform.Actor;
import fr.relais.report.ReportService;
import fr.relais.report.SignedReport;
import fr.relais.request.AccessionNumbers;
import fr.relais.request.RequestView;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Signed reports as FHIR R4 DiagnosticReport resources for the hospitals' systems that pull:
 * {@code GET /fhir/DiagnosticReport?identifier=[system|]value} (the accession number, or the
 * report's own identifier) and {@code GET /fhir/DiagnosticReport/{id}}. A hospital's user sees
 * only his hospital's reports; coordinators and administrators see all. Errors are FHIR
 * OperationOutcomes.
 */
@RestController
class FhirDiagnosticReports {

    static final String ACCESSION_SYSTEM = "urn:relais:accession";
    static final String REPORT_SYSTEM = "urn:relais:report";
    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final JdbcClient jdbc;
    private final ReportService reports;
    private final DeliveryService deliveries;
    private final ObjectMapper json = new ObjectMapper();

    FhirDiagnosticReports(JdbcClient jdbc, ReportService reports, DeliveryService deliveries) {
        this.jdbc = jdbc;
        this.reports = reports;
        this.deliveries = deliveries;
    }

    @GetMapping("/fhir/DiagnosticReport")
    ResponseEntity<ObjectNode> search(@RequestParam(required = false) String identifier,
                                      @AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        if (identifier == null || identifier.isBlank() || identifier.length() > 200) {
            return outcome(HttpStatus.BAD_REQUEST, "required", "Search by identifier=[system|]value (an accession number).");
        }
        String system = null, value = identifier.trim();
        int bar = value.indexOf('|');
        if (bar >= 0) {
            system = value.substring(0, bar);
            value = value.substring(bar + 1);
        }
        if (value.isEmpty() || system != null && !system.isEmpty() && !system.equals(ACCESSION_SYSTEM)
                && !system.equals(REPORT_SYSTEM)) {
            return outcome(HttpStatus.BAD_REQUEST, "not-supported",
                    "Identifier systems are " + ACCESSION_SYSTEM + " and " + REPORT_SYSTEM + ".");
        }
        boolean byReport = REPORT_SYSTEM.equals(system);
        if (byReport && !value.matches("[0-9]{1,18}")) {
            return outcome(HttpStatus.BAD_REQUEST, "value", "A report identifier is a number.");
        }
        if (!byReport && AccessionNumbers.isMistyped(value)) {
            // A RIS operator may type it: a wrong check character is a typo to point out, not "no report".
            return outcome(HttpStatus.BAD_REQUEST, "value", "Accession number " + value
                    + " has a wrong check character: a character was mistyped or two neighbours were swapped.");
        }
        List<Long> exams = jdbc.sql(byReport ? """
                        select r.exam_id from report r join exam e on e.id = r.exam_id
                        where r.id = :v and r.state = 'SIGNED' and (cast(:h as bigint) is null or e.hospital_id = :h)"""
                        : """
                        select r.exam_id from report r join exam_request q on q.exam_id = r.exam_id
                        where q.accession_number = :v and r.state = 'SIGNED' and (cast(:h as bigint) is null or q.hospital_id = :h)
                        order by r.id""")
                .param("v", byReport ? (Object) Long.parseLong(value) : value).param("h", scope(me))
                .query(Long.class).list();
        ObjectNode bundle = json.createObjectNode().put("resourceType", "Bundle").put("type", "searchset")
                .put("total", exams.size());
        ArrayNode entries = bundle.putArray("entry");
        for (long examId : exams) {
            ObjectNode resource = resource(reports.document(examId, me, actor.source()));
            entries.addObject().put("fullUrl", "DiagnosticReport/" + resource.get("id").asText()).set("resource", resource);
        }
        return ResponseEntity.ok().contentType(FHIR_JSON).body(bundle);
    }

    @GetMapping("/fhir/DiagnosticReport/{id}")
    ResponseEntity<ObjectNode> read(@PathVariable String id, @AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        if (!id.matches("[0-9]{1,18}")) {
            return outcome(HttpStatus.NOT_FOUND, "not-found", "No DiagnosticReport " + id + ".");
        }
        List<Long> exam = jdbc.sql("""
                        select r.exam_id from report r join exam e on e.id = r.exam_id
                        where r.id = :id and r.state = 'SIGNED' and (cast(:h as bigint) is null or e.hospital_id = :h)""")
                .param("id", Long.parseLong(id)).param("h", scope(me)).query(Long.class).list();
        if (exam.isEmpty()) {
            return outcome(HttpStatus.NOT_FOUND, "not-found", "No DiagnosticReport " + id + ".");
        }
        return ResponseEntity.ok().contentType(FHIR_JSON).body(resource(reports.document(exam.get(0), me, actor.source())));
    }

    /** The hospital a user is limited to; null for coordinators and administrators; -1 (nothing) for others. */
    private static Long scope(AccountPrincipal me) {
        if (me.role() == Role.ADMIN || me.role() == Role.COORDINATOR) {
            return null;
        }
        return me.role().isHospitalRole() && me.hospitalId() != null ? me.hospitalId() : -1L;
    }

    private ObjectNode resource(SignedReport r) {
        RequestView q = r.request();
        ObjectNode dr = json.createObjectNode().put("resourceType", "DiagnosticReport").put("id", String.valueOf(r.reportId()));
        ArrayNode identifiers = dr.putArray("identifier");
        identifiers.addObject().put("system", REPORT_SYSTEM).put("value", String.valueOf(r.reportId()));
        identifiers.addObject().put("system", ACCESSION_SYSTEM).put("value", q.accessionNumber());
        dr.put("status", r.addenda().isEmpty() ? "final" : "amended");
        dr.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/v2-0074").put("code", "RAD").put("display", "Radiology");
        ObjectNode code = dr.putObject("code");
        code.putArray("coding").addObject().put("system", "http://loinc.org").put("code", "18748-4")
                .put("display", "Diagnostic imaging study");
        code.put("text", q.examTypeLabel());
        ObjectNode subject = dr.putObject("subject");
        subject.putObject("identifier").put("value", q.patientId());
        subject.put("display", q.familyName().toUpperCase(java.util.Locale.FRENCH) + " " + q.givenName());
        if (q.lastImageAt() != null) {
            dr.put("effectiveDateTime", DateTimeFormatter.ISO_INSTANT.format(q.lastImageAt()));
        }
        java.time.Instant issued = r.addenda().isEmpty() ? r.signedAt() : r.addenda().get(r.addenda().size() - 1).signedAt();
        dr.put("issued", DateTimeFormatter.ISO_INSTANT.format(issued));
        dr.putArray("resultsInterpreter").addObject().put("display", r.signedByName());
        StringBuilder conclusion = new StringBuilder(r.conclusion());
        r.addenda().forEach(a -> conclusion.append("\n\nAddendum (").append(a.authorName()).append(") : ").append(a.body()));
        dr.put("conclusion", conclusion.toString());
        if (r.critical() && r.criticalCategory() != null) {
            dr.putArray("conclusionCode").addObject().put("text", "critical:" + r.criticalCategory().name());
        }
        dr.putArray("presentedForm").addObject().put("contentType", "application/pdf").put("language", "fr")
                .put("title", "Compte rendu " + q.accessionNumber())
                .put("data", Base64.getEncoder().encodeToString(deliveries.pdf(r)));
        return dr;
    }

    private ResponseEntity<ObjectNode> outcome(HttpStatus status, String code, String text) {
        ObjectNode outcome = json.createObjectNode().put("resourceType", "OperationOutcome");
        outcome.putArray("issue").addObject().put("severity", "error").put("code", code).put("diagnostics", text);
        return ResponseEntity.status(status).contentType(FHIR_JSON).body(outcome);
    }
}
