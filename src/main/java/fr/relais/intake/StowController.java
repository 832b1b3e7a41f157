package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.intake.MultipartRelated.MalformedMultipartException;
import fr.relais.intake.MultipartRelated.Part;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * STOW-RS (PS3.18 10.5): a hospital account posts instances as multipart/related; each part goes
 * through the same pipeline as C-STORE and is answered on its own.
 */
@RestController
class StowController {

    static final MediaType DICOM_JSON = MediaType.parseMediaType("application/dicom+json");
    private static final long MAX_BODY_BYTES = 512L << 20;

    /** Failure reasons of PS3.18 Table I.2-1 (and PS3.4 C.4.2.1.4). */
    private static final int CANNOT_UNDERSTAND = 0xC000, SOP_CLASS_NOT_SUPPORTED = 0x0122,
            OUT_OF_RESOURCES = 0xA700, DOES_NOT_MATCH = 0xA900;

    private final IntakeService intake;
    private final HospitalDirectory hospitals;
    private final AuditLog audit;

    StowController(IntakeService intake, HospitalDirectory hospitals, AuditLog audit) {
        this.intake = intake;
        this.hospitals = hospitals;
        this.audit = audit;
    }

    @PostMapping(path = "/dicomweb/studies", produces = "application/dicom+json")
    ResponseEntity<Map<String, Object>> store(@AuthenticationPrincipal AccountPrincipal user,
                                              @RequestHeader("Content-Type") String contentType,
                                              HttpServletRequest request) throws IOException {
        return storeInto(null, user, contentType, request);
    }

    @PostMapping(path = "/dicomweb/studies/{studyUid}", produces = "application/dicom+json")
    ResponseEntity<Map<String, Object>> storeInStudy(@PathVariable String studyUid,
                                                     @AuthenticationPrincipal AccountPrincipal user,
                                                     @RequestHeader("Content-Type") String contentType,
                                                     HttpServletRequest request) throws IOException {
        return storeInto(studyUid, user, contentType, request);
    }

    private ResponseEntity<Map<String, Object>> storeInto(String targetStudy, AccountPrincipal user,
                                                          String contentType, HttpServletRequest request)
            throws IOException {
        if (user == null || user.hospitalId() == null) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN,
                    "STOW-RS is for hospital accounts: the account says which hospital sends");
        }
        HospitalRef hospital = hospitals.findById(user.hospitalId())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN, "the account's hospital no longer exists"));
        String boundary = checkContentType(contentType);
        List<Part> parts;
        try {
            parts = MultipartRelated.parse(readBounded(request.getInputStream()), boundary);
        } catch (MalformedMultipartException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "malformed multipart/related body: " + e.getMessage());
        }
        if (parts.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the request holds no instance");
        }

        String base = request.getRequestURL().toString().replaceFirst("/dicomweb/studies.*$", "/dicomweb");
        List<Map<String, Object>> referenced = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Part part : parts) {
            if (!part.contentType().toLowerCase(Locale.ROOT).startsWith("application/dicom")) {
                failed.add(failure(null, null, SOP_CLASS_NOT_SUPPORTED,
                        "part of type " + part.contentType() + " is not application/dicom"));
                continue;
            }
            IntakeService.Outcome outcome = intake.receiveFile(hospital, "user:" + user.username(), part.body(),
                    targetStudy);
            switch (outcome.result()) {
                case STORED, ALREADY_STORED -> referenced.add(reference(base, outcome));
                case UNSUPPORTED_CLASS -> failed.add(failure(outcome, SOP_CLASS_NOT_SUPPORTED));
                case INVALID -> failed.add(failure(outcome, CANNOT_UNDERSTAND));
                case MISMATCH -> failed.add(failure(outcome, DOES_NOT_MATCH));
                case FAILED -> failed.add(failure(outcome, OUT_OF_RESOURCES));
            }
        }
        audit.record(user.username(), "STOW_RS", "hospital:" + hospital.id(), request.getRemoteAddr(),
                failed.isEmpty() ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILED,
                referenced.size() + " stored, " + failed.size() + " failed");

        Map<String, Object> body = new LinkedHashMap<>();
        if (targetStudy != null) {
            body.put("00081190", attribute("UR", base + "/studies/" + targetStudy));
        }
        if (!failed.isEmpty()) {
            body.put("00081198", sequence(failed));
        }
        if (!referenced.isEmpty()) {
            body.put("00081199", sequence(referenced));
        }
        // 200 all stored, 202 some failed, 409 none stored (PS3.18 10.5.3).
        HttpStatus status = failed.isEmpty() ? HttpStatus.OK : referenced.isEmpty() ? HttpStatus.CONFLICT : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status).contentType(DICOM_JSON).body(body);
    }

    private static String checkContentType(String contentType) {
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            throw new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unreadable Content-Type");
        }
        if (!"multipart".equals(type.getType()) || !"related".equals(type.getSubtype())) {
            throw new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "STOW-RS takes multipart/related; type=\"application/dicom\"");
        }
        String partType = type.getParameter("type");
        if (partType != null && !partType.replace("\"", "").equalsIgnoreCase("application/dicom")) {
            throw new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "only application/dicom parts are accepted, not " + partType);
        }
        try {
            return MultipartRelated.boundary(contentType);
        } catch (MalformedMultipartException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes((int) MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE,
                    "a STOW-RS request may carry at most " + (MAX_BODY_BYTES >> 20) + " MiB; send the study in several requests");
        }
        return body;
    }

    private static Map<String, Object> reference(String base, IntakeService.Outcome outcome) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("00081150", attribute("UI", outcome.header().sopClassUid()));
        item.put("00081155", attribute("UI", outcome.header().sopInstanceUid()));
        item.put("00081190", attribute("UR", base + "/studies/" + outcome.header().studyInstanceUid() + "/series/"
                + outcome.header().seriesInstanceUid() + "/instances/" + outcome.header().sopInstanceUid()));
        return item;
    }

    private static Map<String, Object> failure(IntakeService.Outcome outcome, int reason) {
        return failure(outcome.header() == null ? null : outcome.header().sopClassUid(),
                outcome.header() == null ? null : outcome.header().sopInstanceUid(), reason, outcome.reason());
    }

    private static Map<String, Object> failure(String sopClass, String sopInstance, int reason, String comment) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (sopClass != null) {
            item.put("00081150", attribute("UI", sopClass));
        }
        if (sopInstance != null) {
            item.put("00081155", attribute("UI", sopInstance));
        }
        item.put("00081197", attribute("US", reason));
        // Error Comment, so that the sender's operator reads why (ignored by clients that do not know it).
        item.put("00000902", attribute("LO", comment));
        return item;
    }

    private static Map<String, Object> attribute(String vr, Object value) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("vr", vr);
        a.put("Value", List.of(value));
        return a;
    }

    private static Map<String, Object> sequence(List<Map<String, Object>> items) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("vr", "SQ");
        a.put("Value", items);
        return a;
    }
}
