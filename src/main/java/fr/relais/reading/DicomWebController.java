package fr.relais.reading;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.relais.audit.AuditLog;
import fr.relais.dicom.Bytes;
import fr.relais.dicom.DicomHeader;
import fr.relais.dicom.DicomWeb;
import fr.relais.dicom.Uids;
import fr.relais.intake.StudyPatients;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.NotAcceptableException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.UnprocessableException;
import fr.relais.reading.DicomWebIndex.InstanceRow;
import fr.relais.reading.DicomWebIndex.SeriesRow;
import fr.relais.reading.DicomWebIndex.StudyRow;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * DICOMweb for the viewer (PS3.18): QIDO-RS searches from the index, WADO-RS retrieval of
 * instances, series metadata and frames (as stored, or compressed ones decoded to explicit VR little
 * endian when asked), rendered pictures of any syntax the server decodes. Whoever may not read a study gets 404, as if
 * it did not exist ({@link StudyAccess}). Each retrieval of a study's metadata or instances is
 * audited once, frames are not.
 */
@RestController
class DicomWebController {

    static final MediaType DICOM_JSON = MediaType.parseMediaType("application/dicom+json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 100, MAX_LIMIT = 1000;

    private final StudyAccess access;
    private final DicomWebIndex index;
    private final OpenObjects objects;
    private final AuditLog audit;
    private final StudyPatients patients;

    DicomWebController(StudyAccess access, DicomWebIndex index, OpenObjects objects, AuditLog audit,
                       StudyPatients patients) {
        this.access = access;
        this.index = index;
        this.objects = objects;
        this.audit = audit;
        this.patients = patients;
    }

    // ---- QIDO-RS

    @GetMapping("/dicomweb/studies")
    ResponseEntity<List<Map<String, Object>>> searchStudies(@AuthenticationPrincipal AccountPrincipal user,
                                                            @RequestParam Map<String, String> query) {
        String studyUid = uidParam(query, "StudyInstanceUID", "0020000D");
        String accession = param(query, "AccessionNumber", "00080050");
        String modality = Optional.ofNullable(param(query, "ModalitiesInStudy", "00080061"))
                .orElseGet(() -> param(query, "Modality", "00080060"));
        List<Map<String, Object>> out = new ArrayList<>();
        Page<StudyRow> page = Page.of(query, (limit, offset) -> index.studies(user, studyUid, accession, modality, limit, offset));
        for (StudyRow s : page.rows()) {
            Map<String, Object> json = new LinkedHashMap<>();
            put(json, "00080020", "DA", s.studyDate() == null ? null : DateTimeFormatter.BASIC_ISO_DATE.format(s.studyDate()));
            put(json, "00080050", "SH", s.accessionNumber());
            json.put("00080061", attribute("CS", new ArrayList<>(DicomWebIndex.split(s.modalities()))));
            put(json, "0020000D", "UI", s.studyUid());
            put(json, "00201206", "IS", s.seriesCount());
            put(json, "00201208", "IS", s.instanceCount());
            out.add(json);
        }
        return page.answer(out);
    }

    @GetMapping("/dicomweb/studies/{study}/series")
    ResponseEntity<List<Map<String, Object>>> searchSeries(@AuthenticationPrincipal AccountPrincipal user,
                                                           @PathVariable String study,
                                                           @RequestParam Map<String, String> query) {
        long studyId = readable(user, study);
        String seriesUid = uidParam(query, "SeriesInstanceUID", "0020000E");
        String modality = param(query, "Modality", "00080060");
        List<Map<String, Object>> out = new ArrayList<>();
        Page<SeriesRow> page = Page.of(query, (limit, offset) -> index.series(studyId, seriesUid, modality, limit, offset));
        for (SeriesRow s : page.rows()) {
            Map<String, Object> json = new LinkedHashMap<>();
            put(json, "00080060", "CS", s.modality());
            put(json, "0020000D", "UI", study);
            put(json, "0020000E", "UI", s.seriesUid());
            put(json, "00200011", "IS", s.seriesNumber());
            put(json, "00201209", "IS", s.instanceCount());
            out.add(json);
        }
        return page.answer(out);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances")
    ResponseEntity<List<Map<String, Object>>> searchInstances(@AuthenticationPrincipal AccountPrincipal user,
                                                              @PathVariable String study, @PathVariable String series,
                                                              @RequestParam Map<String, String> query) {
        requireUid("series", series);
        long studyId = readable(user, study);
        String sop = uidParam(query, "SOPInstanceUID", "00080018");
        List<Map<String, Object>> out = new ArrayList<>();
        Page<InstanceRow> page = Page.of(query, (limit, offset) -> index.instances(studyId, series, sop, limit, offset));
        for (InstanceRow i : page.rows()) {
            Map<String, Object> json = new LinkedHashMap<>();
            put(json, "00080016", "UI", i.sopClassUid());
            put(json, "00080018", "UI", i.sopInstanceUid());
            put(json, "00083002", "UI", i.transferSyntax());
            put(json, "0020000D", "UI", study);
            put(json, "0020000E", "UI", i.seriesUid());
            put(json, "00200013", "IS", i.instanceNumber());
            out.add(json);
        }
        return page.answer(out);
    }

    // ---- WADO-RS

    @GetMapping("/dicomweb/studies/{study}/metadata")
    void studyMetadata(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                       HttpServletRequest http, HttpServletResponse response) throws IOException {
        long studyId = readable(user, study);
        sendMetadata(user, studyId, index.metadata(studyId, null, null), "study metadata", http, response);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/metadata")
    void seriesMetadata(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                        @PathVariable String series, HttpServletRequest http, HttpServletResponse response)
            throws IOException {
        requireUid("series", series);
        long studyId = readable(user, study);
        sendMetadata(user, studyId, index.metadata(studyId, series, null), "series metadata", http, response);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata")
    void instanceMetadata(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                          @PathVariable String series, @PathVariable String instance,
                          HttpServletRequest http, HttpServletResponse response) throws IOException {
        requireUid("series", series);
        requireUid("instance", instance);
        long studyId = readable(user, study);
        List<DicomWebIndex.MetadataRow> rows = index.metadata(studyId, series, instance);
        sendMetadata(user, studyId, rows, "instance metadata", http, response);
    }

    /**
     * The instances' DICOM JSON as the index keeps it, written out without parsing it again; the
     * patient's name and birth date, sealed in the index, are opened once and put back in each.
     */
    private void sendMetadata(AccountPrincipal user, long studyId, List<DicomWebIndex.MetadataRow> rows, String what,
                              HttpServletRequest http, HttpServletResponse response) throws IOException {
        if (rows.isEmpty()) {
            throw notFound();
        }
        List<String> objects = new ArrayList<>(rows.size());
        for (DicomWebIndex.MetadataRow row : rows) {
            objects.add(row.metadata() != null ? row.metadata() : fillMetadata(row));
        }
        byte[] patient = patientAttributes(studyId);
        audit.record(user.username(), "STUDY_OPENED", "study:" + studyId, http.getRemoteAddr(),
                AuditLog.Outcome.SUCCESS, what + ", " + rows.size() + " instances");
        response.setStatus(200);
        response.setContentType(DICOM_JSON.toString());
        OutputStream out = response.getOutputStream();
        out.write('[');
        for (int k = 0; k < objects.size(); k++) {
            if (k > 0) {
                out.write(',');
            }
            String object = objects.get(k);
            out.write('{');
            out.write(patient);
            if (object.length() > 2) {
                out.write(',');
                out.write(object.substring(1).getBytes(StandardCharsets.UTF_8));
            } else {
                out.write('}');
            }
        }
        out.write(']');
        out.flush();
    }

    private String fillMetadata(DicomWebIndex.MetadataRow row) throws IOException {
        try (Bytes object = objects.open(row.objectKey())) {
            String metadata = DicomWeb.indexedMetadata(object);
            index.fillMetadata(row.instanceId(), metadata);
            return metadata;
        } catch (DicomHeader.InvalidObjectException e) {
            throw new IOException("stored object cannot be parsed: " + row.objectKey(), e);
        }
    }

    /** {@code "00100010":{...},"00100030":{...}}: the members to put back in each instance's object. */
    private byte[] patientAttributes(long studyId) throws IOException {
        StudyPatients.StudyPatient patient = patients.ofStudy(studyId).orElseThrow(DicomWebController::notFound);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("00100010", attribute("PN", patient.name() == null ? List.of() : List.of(Map.of("Alphabetic", patient.name()))));
        json.put("00100030", attribute("DA", patient.birthDate() == null ? List.of() : List.of(patient.birthDate())));
        String object = JSON.writeValueAsString(json);
        return object.substring(1, object.length() - 1).getBytes(StandardCharsets.UTF_8);
    }

    @GetMapping("/dicomweb/studies/{study}")
    void retrieveStudy(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                       HttpServletRequest http, HttpServletResponse response) throws IOException {
        long studyId = readable(user, study);
        sendInstances(user, studyId, index.instances(studyId, null, null, Integer.MAX_VALUE, 0), http, response);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}")
    void retrieveSeries(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                        @PathVariable String series, HttpServletRequest http, HttpServletResponse response)
            throws IOException {
        requireUid("series", series);
        long studyId = readable(user, study);
        sendInstances(user, studyId, index.instances(studyId, series, null, Integer.MAX_VALUE, 0), http, response);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}")
    void retrieveInstance(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                          @PathVariable String series, @PathVariable String instance,
                          HttpServletRequest http, HttpServletResponse response) throws IOException {
        requireUid("series", series);
        requireUid("instance", instance);
        long studyId = readable(user, study);
        sendInstances(user, studyId, index.instances(studyId, series, instance, 1, 0), http, response);
    }

    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    void retrieveFrames(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                        @PathVariable String series, @PathVariable String instance, @PathVariable String frames,
                        @RequestHeader(value = "Accept", required = false) String accept,
                        HttpServletResponse response) throws IOException {
        requireUid("study", study);
        requireUid("series", series);
        requireUid("instance", instance);
        List<Integer> numbers = frameList(frames);
        String objectKey = index.readableObject(user, study, series, instance).orElseGet(() -> {
            readable(user, study); // a refusal is audited there, and says 404 like an unknown instance
            throw notFound();
        });
        try (Bytes object = objects.open(objectKey)) {
            sendFrames(object, numbers, accept, response);
        }
    }

    private void sendFrames(Bytes object, List<Integer> numbers, String accept, HttpServletResponse response)
            throws IOException {
        DicomWeb.Frames cut;
        try {
            cut = DicomWeb.frames(object);
        } catch (DicomHeader.InvalidObjectException e) {
            throw new NotFoundException("dicomweb.frame.none", "Cette instance ne contient pas d’image lisible : {0}.", e.getMessage());
        }
        FrameNegotiation.Answer answer = FrameNegotiation.choose(accept, cut.transferSyntax(),
                        cut.encapsulated() && DicomWeb.decodes(cut.transferSyntax()))
                .orElseThrow(() -> new NotAcceptableException("dicomweb.frames.notAcceptable",
                        "Les trames sont conservées en {0} et ne sont transcodées qu’en little endian explicite.",
                        cut.transferSyntax()));
        for (int n : numbers) {
            if (n > cut.count()) {
                throw new NotFoundException("dicomweb.frame.missing", "L’instance n’a pas de trame {0}.", n);
            }
        }
        String boundary = boundary();
        byte[] header = partHeader(boundary, answer.partContentType());
        byte[] closing = closing(boundary);
        long length = closing.length;
        // Decoded frames are decoded one at a time on the way out (each bounded), the first before
        // the status is sent, so that a frame that does not decode gets a problem, not a cut answer.
        byte[] first = answer.transcoded() ? decoded(cut, numbers.get(0)) : null;
        for (int n : numbers) {
            length += header.length + (answer.transcoded() ? first.length : cut.frameLength(n));
        }
        response.setStatus(200);
        response.setHeader("Content-Type", "multipart/related; type=\"" + answer.mediaType() + "\"; transfer-syntax="
                + answer.transferSyntax() + "; boundary=" + boundary);
        response.setContentLengthLong(length);
        OutputStream out = response.getOutputStream();
        for (int k = 0; k < numbers.size(); k++) {
            out.write(header);
            if (!answer.transcoded()) {
                // Straight from the decrypted object to the socket: no copy of the frame on the way.
                cut.writeFrame(numbers.get(k), out);
            } else {
                out.write(k == 0 ? first : decodedOrCut(cut, numbers.get(k)));
            }
        }
        out.write(closing);
        out.flush();
    }

    private static byte[] decoded(DicomWeb.Frames frames, int n) {
        try {
            return frames.decodedFrame(n);
        } catch (DicomWeb.UndecodableFrameException e) {
            throw undecodable(e);
        }
    }

    /** A later frame that does not decode once the answer has started: the answer is cut, the client sees it incomplete. */
    private static byte[] decodedOrCut(DicomWeb.Frames frames, int n) throws IOException {
        try {
            return frames.decodedFrame(n);
        } catch (DicomWeb.UndecodableFrameException e) {
            throw new IOException("frame " + n + " does not decode: " + e.getMessage(), e);
        }
    }

    private static UnprocessableException undecodable(DicomWeb.UndecodableFrameException e) {
        return new UnprocessableException("dicomweb.frame.undecodable", "Cette image ne peut pas être décodée : {0}.",
                e.getMessage());
    }

    // ---- WADO-RS rendered (PS3.18 9.5): JPEG by default, PNG when asked

    @GetMapping({"/dicomweb/studies/{study}/series/{series}/instances/{instance}/rendered",
            "/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered"})
    ResponseEntity<byte[]> rendered(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                                    @PathVariable String series, @PathVariable String instance,
                                    @PathVariable(required = false) String frame,
                                    @RequestParam(required = false) String window,
                                    @RequestParam(required = false) String viewport,
                                    @RequestHeader(value = "Accept", required = false) String accept) throws IOException {
        int n = frame == null ? 1 : frameList(frame).get(0);
        return image(user, study, series, instance, n, parseWindow(window), parseViewport(viewport), accept);
    }

    /** A small picture of the instance for the series list: at most 128 pixels a side unless asked. */
    @GetMapping("/dicomweb/studies/{study}/series/{series}/instances/{instance}/thumbnail")
    ResponseEntity<byte[]> thumbnail(@AuthenticationPrincipal AccountPrincipal user, @PathVariable String study,
                                     @PathVariable String series, @PathVariable String instance,
                                     @RequestParam(required = false) String viewport,
                                     @RequestHeader(value = "Accept", required = false) String accept) throws IOException {
        int[] size = viewport == null ? new int[]{128, 128} : parseViewport(viewport);
        return image(user, study, series, instance, 1, null, size, accept);
    }

    private ResponseEntity<byte[]> image(AccountPrincipal user, String study, String series, String instance, int frame,
                                         DicomWeb.Window window, int[] viewport, String accept) throws IOException {
        requireUid("series", series);
        requireUid("instance", instance);
        long studyId = readable(user, study);
        List<InstanceRow> found = index.instances(studyId, series, instance, 1, 0);
        if (found.isEmpty()) {
            throw notFound();
        }
        java.awt.image.BufferedImage image;
        try (Bytes object = objects.open(found.get(0).objectKey())) {
            image = DicomWeb.render(object, frame, window);
        } catch (UnsupportedOperationException e) {
            throw new NotAcceptableException("dicomweb.render.notAcceptable", "Cette image ne peut pas encore être rendue : {0}",
                    e.getMessage());
        } catch (DicomWeb.UndecodableFrameException e) {
            throw undecodable(e);
        } catch (IndexOutOfBoundsException e) {
            throw new NotFoundException("dicomweb.frame.missing", "L’instance n’a pas de trame {0}.", frame);
        } catch (DicomHeader.InvalidObjectException e) {
            throw new NotFoundException("dicomweb.frame.none", "Cette instance ne contient pas d’image lisible : {0}.", e.getMessage());
        }
        if (viewport != null) {
            image = fit(image, viewport[0], viewport[1]);
        }
        boolean png = accept != null && accept.contains("image/png");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, png ? "png" : "jpeg", out);
        return ResponseEntity.ok().contentType(png ? MediaType.IMAGE_PNG : MediaType.IMAGE_JPEG).body(out.toByteArray());
    }

    /** Scaled down (never up) to fit the viewport, keeping the aspect ratio. */
    private static java.awt.image.BufferedImage fit(java.awt.image.BufferedImage image, int width, int height) {
        double scale = Math.min(1.0, Math.min((double) width / image.getWidth(), (double) height / image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        if (w == image.getWidth() && h == image.getHeight()) {
            return image;
        }
        java.awt.image.BufferedImage scaled = new java.awt.image.BufferedImage(w, h, image.getType());
        java.awt.Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return scaled;
    }

    /** window=center,width[,function]: only the linear function is drawn. */
    static DicomWeb.Window parseWindow(String window) {
        if (window == null) {
            return null;
        }
        String[] parts = window.split(",");
        try {
            if ((parts.length == 2 || parts.length == 3 && parts[2].equalsIgnoreCase("linear"))) {
                return new DicomWeb.Window(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidInputException("window", "dicomweb.window.invalid",
                "window attend centre,largeur[,linear] avec une largeur d’au moins 1");
    }

    /** The largest picture drawn for a client, a side: the client chooses the size, not the server's memory. */
    static final int MAX_VIEWPORT = 2048;

    static int[] parseViewport(String viewport) {
        if (viewport == null) {
            return null;
        }
        String[] parts = viewport.split(",");
        if (parts.length == 2 && parts[0].matches("[1-9][0-9]{0,3}") && parts[1].matches("[1-9][0-9]{0,3}")) {
            int width = Integer.parseInt(parts[0]);
            int height = Integer.parseInt(parts[1]);
            if (width <= MAX_VIEWPORT && height <= MAX_VIEWPORT) {
                return new int[]{width, height};
            }
        }
        throw new InvalidInputException("viewport", "dicomweb.viewport.invalid",
                "viewport attend largeur,hauteur en pixels (1 à {0})", String.valueOf(MAX_VIEWPORT));
    }

    private void sendInstances(AccountPrincipal user, long studyId, List<InstanceRow> instances,
                               HttpServletRequest http, HttpServletResponse response) throws IOException {
        if (instances.isEmpty()) {
            throw notFound();
        }
        audit.record(user.username(), "DICOMWEB_RETRIEVED", "study:" + studyId, http.getRemoteAddr(),
                AuditLog.Outcome.SUCCESS, instances.size() + " instances");
        String boundary = boundary();
        // The first object is read before the status is sent, so that a broken store gives a clean 500.
        Bytes first = objects.open(instances.get(0).objectKey());
        response.setStatus(200);
        response.setHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
        OutputStream out = response.getOutputStream();
        for (int k = 0; k < instances.size(); k++) {
            try (Bytes object = k == 0 ? first : objects.open(instances.get(k).objectKey())) {
                out.write(partHeader(boundary, "application/dicom"));
                object.transferTo(0, object.length(), out);
            }
        }
        out.write(closing(boundary));
        out.flush();
    }

    // ---- helpers

    private long readable(AccountPrincipal user, String studyUid) {
        requireUid("study", studyUid);
        return access.readableStudy(user, studyUid).orElseGet(() -> {
            // A refusal of a study that exists is audited; the caller sees the same 404 either way.
            access.existingStudies(studyUid).forEach(id -> audit.record(user.username(), "DICOMWEB_DENIED",
                    "study:" + id, remoteAddress(), AuditLog.Outcome.REJECTED, null));
            throw notFound();
        });
    }

    private static String remoteAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest().getRemoteAddr() : null;
    }

    private static NotFoundException notFound() {
        return new NotFoundException("dicomweb.notFound", "Étude, série ou instance introuvable.");
    }

    private static void requireUid(String what, String uid) {
        if (!Uids.isValidUid(uid)) {
            throw new InvalidInputException(what, "dicomweb.uid.invalid", "Ce n’est pas un UID DICOM valide : {0}", what);
        }
    }

    static List<Integer> frameList(String frames) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : frames.split(",", -1)) {
            if (!part.matches("[1-9][0-9]{0,8}")) {
                throw new InvalidInputException("frames", "dicomweb.frames.invalid",
                        "Liste de trames invalide : des numéros à partir de 1, séparés par des virgules.");
            }
            numbers.add(Integer.valueOf(part));
        }
        return numbers;
    }

    private static String param(Map<String, String> query, String keyword, String tag) {
        String value = query.containsKey(keyword) ? query.get(keyword) : query.get(tag);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String uidParam(Map<String, String> query, String keyword, String tag) {
        String value = param(query, keyword, tag);
        if (value != null) {
            requireUid(keyword, value);
        }
        return value;
    }

    /**
     * One page of a QIDO-RS search: one row more than the limit is asked for, so that a search cut
     * by its limit says so with the Warning header of PS3.18 (8.3.4.4), and so does a limit the
     * server lowered to its maximum; a client then knows to ask for the next page with offset.
     */
    private record Page<T>(List<T> rows, boolean more, boolean lowered) {

        static <T> Page<T> of(Map<String, String> query, java.util.function.BiFunction<Integer, Integer, List<T>> search) {
            int asked = nonNegative(query, "limit", DEFAULT_LIMIT);
            int limit = Math.min(asked, MAX_LIMIT);
            List<T> rows = search.apply(limit + 1, nonNegative(query, "offset", 0));
            boolean more = rows.size() > limit;
            return new Page<>(more ? rows.subList(0, limit) : rows, more, asked > MAX_LIMIT && more);
        }

        ResponseEntity<List<Map<String, Object>>> answer(List<Map<String, Object>> body) {
            ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(DICOM_JSON);
            if (lowered) {
                ok.header("Warning", "299 relais: \"The number of results exceeded the maximum supported"
                        + " by the server. Additional results can be requested.\"");
            } else if (more) {
                ok.header("Warning", "299 relais: \"There are additional results that can be requested.\"");
            }
            return ok.body(body);
        }
    }

    private static int nonNegative(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,9}")) {
            throw new InvalidInputException(name, "dicomweb.paging.invalid", "{0} doit être un entier positif ou nul.", name);
        }
        return Integer.parseInt(value);
    }

    private static void put(Map<String, Object> json, String tag, String vr, Object value) {
        json.put(tag, attribute(vr, value == null ? List.of() : List.of(value)));
    }

    private static Map<String, Object> attribute(String vr, List<?> values) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("vr", vr);
        if (!values.isEmpty()) {
            a.put("Value", values);
        }
        return a;
    }

    private static String boundary() {
        return "relais-" + UUID.randomUUID();
    }

    private static byte[] partHeader(String boundary, String type) {
        return ("\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] closing(String boundary) {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

}
