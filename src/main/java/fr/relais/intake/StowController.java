package fr.relais.intake;

import fr.relais.audit.AuditLog;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomServer;
import fr.relais.dicom.ReceptionBudget;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.hospital.HospitalDirectory.HospitalRef;
import fr.relais.intake.MultipartRelated.MalformedMultipartException;
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
import java.util.Arrays;
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
    /** A request is read as a stream, one part in memory at a time; these bound the time and memory one takes. */
    private static final long MAX_BODY_BYTES = 8L << 30;
    /** The largest single instance, as at the DICOM door. */
    private static final long MAX_PART_BYTES = 1L << 30;

    /** Failure reasons of PS3.18 Table I.2-1 (and PS3.4 C.4.2.1.4). */
    private static final int CANNOT_UNDERSTAND = 0xC000, SOP_CLASS_NOT_SUPPORTED = 0x0122,
            OUT_OF_RESOURCES = 0xA700, DOES_NOT_MATCH = 0xA900;

    private final IntakeService intake;
    private final HospitalDirectory hospitals;
    private final AuditLog audit;
    private final DicomDoor dicomDoor;

    private final ReceptionAudit receptions;

    StowController(IntakeService intake, HospitalDirectory hospitals, AuditLog audit, DicomDoor dicomDoor,
                   ReceptionAudit receptions) {
        this.receptions = receptions;
        this.dicomDoor = dicomDoor;
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
        MultipartRelated multipart = new MultipartRelated(new BoundedInputStream(request.getInputStream(), MAX_BODY_BYTES),
                boundary);

        String base = request.getRequestURL().toString().replaceFirst("/dicomweb/studies.*$", "/dicomweb");
        List<Map<String, Object>> referenced = new ArrayList<>();
        StudyReceptions received = new StudyReceptions();
        List<Map<String, Object>> failed = new ArrayList<>();
        // One part in memory at a time: each is stored (and answered for) before the next is read.
        PartBuffer part = new PartBuffer(MAX_PART_BYTES, dicomDoor.budget().reserve(),
                prefix -> intake.spoolFile(hospital, "user:" + user.username(), prefix.bytes, prefix.size));
        try {
            MultipartRelated.PartHeaders headers;
            while ((headers = multipart.nextPart()) != null) {
                int number = multipart.parts();
                boolean dicom = isDicom(headers.contentType());
                part.reset(dicom);
                MultipartRelated.BodyEnd end = multipart.readBody(part);
                if (end == MultipartRelated.BodyEnd.END_OF_STREAM) {
                    // A truncated part is never handed to intake: its bytes are not what the sender meant.
                    throw new MalformedMultipartException("part " + number
                            + " is truncated: the body ended before its closing boundary");
                }
                if (!dicom) {
                    failed.add(failure(null, null, SOP_CLASS_NOT_SUPPORTED,
                            "part " + number + " of type " + printable(headers.contentType()) + " is not application/dicom"));
                } else if (part.overflowed()) {
                    failed.add(failure(null, null, OUT_OF_RESOURCES, "part " + number + " is larger than "
                            + (MAX_PART_BYTES >> 20) + " MiB, the most one instance may be"));
                } else if (part.overBudget() != null) {
                    failed.add(failure(null, null, OUT_OF_RESOURCES, "part " + number + ": " + part.overBudget()));
                } else if (part.invalid() != null) {
                    failed.add(failure(null, null, CANNOT_UNDERSTAND, "part " + number + ": " + part.invalid()));
                } else {
                    IntakeService.Outcome outcome = part.spooled() != null
                            ? intake.receiveSpooled(part.spooled(), targetStudy)
                            : intake.receiveFile(hospital, "user:" + user.username(), part.bytes(), targetStudy);
                    switch (outcome.result()) {
                        case STORED, ALREADY_STORED -> {
                            referenced.add(reference(base, outcome));
                            received.add(outcome);
                        }
                        case UNSUPPORTED_CLASS -> failed.add(failure(outcome, SOP_CLASS_NOT_SUPPORTED));
                        case INVALID -> failed.add(failure(outcome, CANNOT_UNDERSTAND));
                        case MISMATCH -> failed.add(failure(outcome, DOES_NOT_MATCH));
                        case FAILED -> failed.add(failure(outcome, OUT_OF_RESOURCES));
                    }
                }
            }
        } catch (MalformedMultipartException | BodyTooLargeException e) {
            boolean tooLarge = e instanceof BodyTooLargeException;
            String why = tooLarge ? "a STOW-RS request may carry at most " + (MAX_BODY_BYTES >> 30)
                    + " GiB; send the study in several requests" : "malformed multipart/related body: " + e.getMessage();
            if (referenced.isEmpty() && failed.isEmpty()) {
                // Nothing was stored: the request as a whole is refused.
                throw new ResponseStatusException(tooLarge ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST, why);
            }
            // What was stored before the fault stays stored, and the answer must say so.
            failed.add(failure(null, null, tooLarge ? OUT_OF_RESOURCES : CANNOT_UNDERSTAND,
                    why + (tooLarge ? "" : "; the parts after it were not read")));
        } finally {
            part.done();
        }
        if (referenced.isEmpty() && failed.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the request holds no instance");
        }

        // One entry per study the request brought, each instance linked to it; one more for what failed.
        receptions.record(user.username(), request.getRemoteAddr(), "STOW-RS request", received);
        if (!failed.isEmpty()) {
            audit.record(user.username(), "STOW_RS", "hospital:" + hospital.id(), request.getRemoteAddr(),
                    AuditLog.Outcome.FAILED, referenced.size() + " stored, " + failed.size() + " failed");
        }

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

    /** The part's type is application/dicom (parameters such as transfer-syntax aside). */
    private static boolean isDicom(String partType) {
        try {
            MediaType type = MediaType.parseMediaType(partType);
            return "application".equals(type.getType()) && "dicom".equals(type.getSubtype());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A sender's header value in an answer: printable ASCII only, and short. */
    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    /** The request body is larger than a STOW-RS request may be. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("request body too large");
        }
    }

    /** Counts what is read, and refuses to read past the cap. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long cap;
        private long read;

        BoundedInputStream(InputStream in, long cap) {
            super(in);
            this.cap = cap;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read > cap) {
                throw new BodyTooLargeException();
            }
            int n = super.read(b, off, (int) Math.min(len, cap + 1 - read));
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }

    /**
     * The current part's bytes, kept up to a cap and within the reception budget the DICOM door
     * shares (past either, the part is only read through, not kept).
     */
    private static final class PartBuffer implements MultipartRelated.Sink {
        /** Where a part too large for memory goes from its first bytes on. */
        interface Spooler {
            IntakeService.Spool start(PartBuffer prefix) throws IOException, DicomHeader.InvalidObjectException;
        }

        private final long cap;
        private final ReceptionBudget.Reservation reservation;
        private final Spooler spooler;
        private byte[] bytes = new byte[64 * 1024];
        private int size;
        private long spooledBytes;
        private boolean keep;
        private boolean overflowed;
        private String overBudget;
        private String invalid;
        private IntakeService.Spool spool;

        PartBuffer(long cap, ReceptionBudget.Reservation reservation, Spooler spooler) {
            this.cap = cap;
            this.reservation = reservation;
            this.spooler = spooler;
        }

        void reset(boolean keep) {
            this.keep = keep;
            size = 0;
            spooledBytes = 0;
            overflowed = false;
            overBudget = null;
            invalid = null;
            closeSpool();
            reservation.close();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!keep || overflowed || overBudget != null || invalid != null) {
                return;
            }
            if (spool != null) {
                spooledBytes += len;
                if (spooledBytes > cap) {
                    overflowed = true;
                    closeSpool();
                    return;
                }
                try {
                    spool.write(b, off, len);
                } catch (IOException e) {
                    overBudget = "storage unavailable: retry later";
                    closeSpool();
                }
                return;
            }
            // The exact copy handed to intake is one more than a DICOM reception holds.
            if (!reservation.grow(((long) size + len) * 5 / 4)) {
                overBudget = reservation.refusal();
                size = 0;
                bytes = new byte[64 * 1024];
                return;
            }
            if ((long) size + len > cap) {
                overflowed = true;
                size = 0;
                bytes = new byte[64 * 1024]; // give the memory back now, not at the end of the request
                return;
            }
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max((long) size + len, 2L * bytes.length), cap));
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
            if (size > DicomServer.SPOOL_ABOVE_BYTES) {
                startSpool();
            }
        }

        /** The part leaves memory: to the store as it arrives, the sender's meta header replaced by ours. */
        private void startSpool() {
            try {
                spool = spooler.start(this);
                spooledBytes = size;
                reservation.holdOnly(DicomServer.SPOOLING_HEAP_BYTES);
            } catch (DicomHeader.InvalidObjectException e) {
                invalid = e.getMessage();
            } catch (IOException e) {
                overBudget = "storage unavailable: retry later";
            }
            size = 0;
            bytes = new byte[64 * 1024];
        }

        /** The part written to the store as it arrived, or null when it is in memory. */
        IntakeService.Spool spooled() {
            return spool;
        }

        /** Why the part cannot be taken as a file (its meta header), or null. */
        String invalid() {
            return invalid;
        }

        private void closeSpool() {
            if (spool != null) {
                spool.close();
                spool = null;
            }
        }

        boolean overflowed() {
            return overflowed;
        }

        String overBudget() {
            return overBudget;
        }

        /** The request is answered: what the last part held goes back to the budget. */
        void done() {
            closeSpool();
            reservation.close();
        }

        byte[] bytes() {
            return Arrays.copyOf(bytes, size);
        }
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
