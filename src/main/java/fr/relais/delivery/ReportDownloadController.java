package fr.relais.delivery;

import fr.relais.platform.Actor;
import fr.relais.report.ReportService;
import fr.relais.report.SignedReport;
import fr.relais.security.AccountPrincipal;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed report as the PDF the hospital files, for whoever may read the signed report (its
 * hospital's users, coordinators, administrators, the radiologists of the hospital); audited by
 * the report service as a download.
 */
@RestController
class ReportDownloadController {

    private final ReportService reports;
    private final DeliveryService deliveries;

    ReportDownloadController(ReportService reports, DeliveryService deliveries) {
        this.reports = reports;
        this.deliveries = deliveries;
    }

    @GetMapping({"/api/exams/{examId}/report.pdf", "/reports/exams/{examId}/report.pdf"})
    ResponseEntity<byte[]> pdf(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal me, Actor actor) {
        SignedReport report = reports.document(examId, me, actor.source());
        byte[] pdf = deliveries.pdf(report);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("compte-rendu-" + report.request().accessionNumber() + ".pdf").build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(pdf);
    }
}
