package fr.relais.billing;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ForbiddenException;
import fr.relais.platform.InvalidInputException;
import fr.relais.platform.YearMonths;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import jakarta.validation.Valid;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.YearMonth;
import java.util.List;

/**
 * The billing team's API: the month's CCAM acts (JSON, CSV), the radiologists' production
 * statements, subscriptions and invoices. Billing and administrators only, except that a
 * radiologist reads their own statement. The act export carries patient references: each read
 * is audited. Downloads also answer under /billing for the pages' links.
 */
@RestController
class BillingApiController {

    static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    /** The month's act lines, with the month they were asked for. */
    record ActExport(YearMonth month, int count, List<CcamAct> acts) {}

    record InvoiceOrder(Long hospitalId, String month) {}

    private final CcamCoding coding;
    private final Statements statements;
    private final Invoices invoices;
    private final AuditLog audit;

    BillingApiController(CcamCoding coding, Statements statements, Invoices invoices, AuditLog audit) {
        this.coding = coding;
        this.statements = statements;
        this.invoices = invoices;
        this.audit = audit;
    }

    @GetMapping("/api/billing/acts")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    ActExport acts(@RequestParam(name = "month", required = false) String month, Actor actor) {
        YearMonth m = YearMonths.parse("month", month);
        List<CcamAct> acts = actsRead(m, "json", actor);
        return new ActExport(m, acts.size(), acts);
    }

    @GetMapping({"/api/billing/acts.csv", "/billing/acts.csv"})
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    ResponseEntity<byte[]> actsCsv(@RequestParam(name = "month", required = false) String month, Actor actor) {
        YearMonth m = YearMonths.parse("month", month);
        Csv csv = new Csv().row("acte", "date", "heure", "fuseau", "code_ccam", "modificateur", "urgent", "rpps",
                "finess", "reference_patient", "numero_examen", "type_examen", "radiologue");
        for (CcamAct a : actsRead(m, "csv", actor)) {
            csv.row(a.id(), a.localDate(), a.localTime(), a.timeZone(), a.ccamCode(), a.modifier(), a.urgent() ? "O" : "N",
                    a.rpps(), a.finess(), a.patientReference(), a.accessionNumber(), a.examTypeCode(), a.radiologistName());
        }
        return download(csv.bytes(), CSV, "actes-ccam-" + m + ".csv");
    }

    private List<CcamAct> actsRead(YearMonth month, String format, Actor actor) {
        List<CcamAct> acts = coding.month(month);
        audit.record(actor.username(), "CCAM_ACTS_EXPORTED", "month:" + month, actor.source(),
                AuditLog.Outcome.SUCCESS, acts.size() + " acts, " + format);
        return acts;
    }

    @GetMapping("/api/billing/statements")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    List<Statements.RadiologistRef> statements(@RequestParam(name = "month", required = false) String month) {
        return statements.radiologistsWithActs(YearMonths.parse("month", month));
    }

    @GetMapping("/api/billing/statements/{radiologistId}")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN','RADIOLOGIST')")
    ProductionStatement statement(@PathVariable long radiologistId, @RequestParam(name = "month", required = false) String month,
                                  @AuthenticationPrincipal AccountPrincipal me) {
        return readable(radiologistId, month, me);
    }

    @GetMapping({"/api/billing/statements/{radiologistId}.csv", "/billing/statements/{radiologistId}.csv"})
    @PreAuthorize("hasAnyRole('BILLING','ADMIN','RADIOLOGIST')")
    ResponseEntity<byte[]> statementCsv(@PathVariable long radiologistId,
                                        @RequestParam(name = "month", required = false) String month,
                                        @AuthenticationPrincipal AccountPrincipal me) {
        ProductionStatement s = readable(radiologistId, month, me);
        return download(Statements.csv(s), CSV, "releve-" + radiologistId + "-" + s.month() + ".csv");
    }

    @GetMapping({"/api/billing/statements/{radiologistId}.pdf", "/billing/statements/{radiologistId}.pdf"})
    @PreAuthorize("hasAnyRole('BILLING','ADMIN','RADIOLOGIST')")
    ResponseEntity<byte[]> statementPdf(@PathVariable long radiologistId,
                                        @RequestParam(name = "month", required = false) String month,
                                        @AuthenticationPrincipal AccountPrincipal me) {
        ProductionStatement s = readable(radiologistId, month, me);
        return download(statements.pdf(s), MediaType.APPLICATION_PDF, "releve-" + radiologistId + "-" + s.month() + ".pdf");
    }

    /** A radiologist reads their own statement only; the billing team and administrators any. */
    private ProductionStatement readable(long radiologistId, String month, AccountPrincipal me) {
        YearMonth m = YearMonths.parse("month", month);
        if (me.role() == Role.RADIOLOGIST && me.id() != radiologistId) {
            throw new ForbiddenException(null, "billing.statement.notYours", "a radiologist reads their own statement only");
        }
        return statements.statement(radiologistId, m);
    }

    @GetMapping("/api/billing/subscriptions")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    List<Subscription> subscriptions() {
        return invoices.subscriptions();
    }

    @PutMapping("/api/billing/subscriptions/{hospitalId}")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    Subscription setSubscription(@PathVariable long hospitalId, @Valid @RequestBody SubscriptionRequest request, Actor actor) {
        return invoices.setSubscription(hospitalId, request, actor);
    }

    @GetMapping("/api/billing/invoices")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    List<Invoice> invoices() {
        return invoices.list();
    }

    /** Body {@code {"hospitalId": 3, "month": "2026-10"}}: 201 when issued now, 200 with the one issued before. */
    @PostMapping("/api/billing/invoices")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    ResponseEntity<Invoice> issue(@RequestBody InvoiceOrder order, Actor actor) {
        if (order == null || order.hospitalId() == null) {
            throw new InvalidInputException("hospitalId", "billing.invoice.hospital.required", "give the hospital id");
        }
        Invoices.Issued issued = invoices.issue(order.hospitalId(), YearMonths.parse("month", order.month()), actor);
        return ResponseEntity.status(issued.created() ? HttpStatus.CREATED : HttpStatus.OK).body(issued.invoice());
    }

    @GetMapping("/api/billing/invoices/{id}")
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    Invoice invoice(@PathVariable long id) {
        return invoices.get(id);
    }

    @GetMapping({"/api/billing/invoices/{id}.pdf", "/billing/invoices/{id}.pdf"})
    @PreAuthorize("hasAnyRole('BILLING','ADMIN')")
    ResponseEntity<byte[]> invoicePdf(@PathVariable long id) {
        Invoice invoice = invoices.get(id);
        return download(invoices.pdf(id), MediaType.APPLICATION_PDF, "facture-" + invoice.number() + ".pdf");
    }

    private static ResponseEntity<byte[]> download(byte[] body, MediaType type, String filename) {
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body);
    }
}
