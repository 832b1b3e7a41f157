package fr.relais.report;

import fr.relais.platform.Zones;
import fr.relais.request.RequestView;
import org.springframework.context.MessageSource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A signed report as plain text, the download of the hospital portal until the PDF comes. Always
 * in French, whatever the reader's language: it is the medical document the hospital files.
 */
@Component
public class ReportText {

    private static final Locale FRENCH = Locale.FRENCH;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("dd/MM/yyyy 'à' HH:mm");

    private final MessageSource messages;
    private final Zones zones;

    ReportText(MessageSource messages, Zones zones) {
        this.messages = messages;
        this.zones = zones;
    }

    /** The report as a file to save: compte-rendu-ACCESSION.txt, UTF-8. */
    public ResponseEntity<String> download(SignedReport report) {
        String name = "compte-rendu-" + report.request().accessionNumber().replaceAll("[^A-Za-z0-9_-]", "") + ".txt";
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .body(render(report));
    }

    public String render(SignedReport report) {
        RequestView r = report.request();
        // The hospital files it: its times on its own clock.
        ZoneId zone = zones.hospital(r.hospitalId());
        StringBuilder text = new StringBuilder();
        line(text, msg("report.document.title"));
        line(text, r.hospitalName() + " — " + r.examTypeLabel());
        line(text, msg("report.document.accession", r.accessionNumber()));
        line(text, msg("report.document.patient", r.familyName() + " " + r.givenName(), DAY.format(r.birthDate()),
                r.patientId()));
        line(text, msg("report.document.requestedBy", r.requestingPhysician()));
        section(text, msg("report.indication"), report.indication());
        section(text, msg("report.technique"), report.technique());
        section(text, msg("report.findings"), report.findings());
        section(text, msg("report.conclusion"), report.conclusion());
        if (report.critical()) {
            text.append('\n');
            line(text, msg("report.document.critical", msg("critical." + report.criticalCategory())));
        }
        text.append('\n');
        line(text, msg("report.document.signed", report.signedByName(), moment(report.signedAt(), zone), zone.getId()));
        for (Addendum a : report.addenda()) {
            section(text, msg("report.document.addendum", a.authorName(), moment(a.signedAt(), zone)), a.body());
        }
        return text.toString();
    }

    private static void section(StringBuilder text, String title, String body) {
        text.append('\n');
        line(text, title.toUpperCase(FRENCH));
        line(text, body.strip());
    }

    private static void line(StringBuilder text, String line) {
        text.append(line).append('\n');
    }

    private static String moment(Instant at, ZoneId zone) {
        return MOMENT.format(at.atZone(zone));
    }

    private String msg(String code, Object... args) {
        return messages.getMessage(code, args, FRENCH);
    }
}
