package fr.relais.billing;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Subscriptions and the invoices issued from them. Numbers follow each other without a gap within
 * a year (F-2026-000123): the year's counter row is locked for the issuing transaction, so two
 * issuers wait for each other and a failed issue gives its number back with its rollback.
 * Issuing the same hospital and period again returns the invoice already issued.
 */
@Service
class Invoices {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy", Locale.FRENCH);
    private static final String SUBSCRIPTION = """
            select s.hospital_id, h.name as hospital_name, s.annual_amount_cents, s.starts_on, s.frequency,
                   s.per_exam_fee_cents
            from subscription s join hospital h on h.id = s.hospital_id""";
    private static final String INVOICE = """
            select i.id, i.number, i.hospital_id, h.name as hospital_name, i.period_start, i.period_end,
                   i.subscription_cents, i.exam_count, i.per_exam_fee_cents, i.exams_cents, i.total_cents,
                   i.vat_rate_basis_points, i.vat_cents, i.total_cents + i.vat_cents as total_with_vat_cents, i.due_on,
                   i.issued_at, i.issued_by
            from invoice i join hospital h on h.id = i.hospital_id""";

    record Issued(Invoice invoice, boolean created) {}

    private record HospitalRow(String name, String finess, String timeZone) {}

    private final JdbcClient jdbc;
    private final CcamCoding coding;
    private final AuditLog audit;
    private final Clock clock;
    private final BillingSettings settings;
    private final Zones zones;

    Invoices(JdbcClient jdbc, CcamCoding coding, AuditLog audit, Clock clock, BillingSettings settings, Zones zones) {
        this.jdbc = jdbc;
        this.coding = coding;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        this.zones = zones;
    }

    List<Subscription> subscriptions() {
        return jdbc.sql(SUBSCRIPTION + " order by h.name").query(Subscription.class).list();
    }

    Optional<Subscription> subscription(long hospitalId) {
        return jdbc.sql(SUBSCRIPTION + " where s.hospital_id = :h").param("h", hospitalId).query(Subscription.class).optional();
    }

    @Transactional
    Subscription setSubscription(long hospitalId, SubscriptionRequest r, Actor actor) {
        hospital(hospitalId);
        jdbc.sql("""
                insert into subscription (hospital_id, annual_amount_cents, starts_on, frequency, per_exam_fee_cents,
                                          updated_at, updated_by)
                values (:h, :amount, :start, :frequency, :fee, :now, :by)
                on conflict (hospital_id) do update set annual_amount_cents = excluded.annual_amount_cents,
                    starts_on = excluded.starts_on, frequency = excluded.frequency,
                    per_exam_fee_cents = excluded.per_exam_fee_cents, updated_at = excluded.updated_at,
                    updated_by = excluded.updated_by""")
                .param("h", hospitalId).param("amount", r.annualAmountCents()).param("start", r.startsOn())
                .param("frequency", r.frequency().name()).param("fee", r.perExamFeeCents())
                .param("now", OffsetDateTime.now(clock)).param("by", actor.username()).update();
        audit.record(actor.username(), "SUBSCRIPTION_SET", "hospital:" + hospitalId, actor.source(),
                AuditLog.Outcome.SUCCESS, r.frequency() + " " + r.annualAmountCents() + " cents/year from " + r.startsOn()
                        + (r.perExamFeeCents() == null ? "" : ", " + r.perExamFeeCents() + " cents/exam"));
        return subscription(hospitalId).orElseThrow();
    }

    List<Invoice> list() {
        return jdbc.sql(INVOICE + " order by i.issued_at desc, i.id desc limit 500").query(Invoice.class).list();
    }

    Invoice get(long id) {
        return jdbc.sql(INVOICE + " where i.id = :id").param("id", id).query(Invoice.class).optional()
                .orElseThrow(() -> new NotFoundException("billing.invoice.unknown", "no invoice " + id, id));
    }

    byte[] pdf(long id) {
        get(id);
        return jdbc.sql("select pdf from invoice where id = :id").param("id", id).query(byte[].class).single();
    }

    /**
     * The invoice of the subscription's period that starts in {@code month}: issued now, or the one
     * issued before. The period must be over, so that its per-exam fees are all counted.
     */
    @Transactional
    Issued issue(long hospitalId, YearMonth month, Actor actor) {
        HospitalRow hospital = hospital(hospitalId);
        Subscription s = subscription(hospitalId).orElseThrow(() -> new ConflictException("hospitalId",
                "billing.invoice.noSubscription", "hospital " + hospital.name() + " has no subscription", hospital.name()));
        BillingPeriod period = BillingPeriod.startingIn(s, month);
        OffsetDateTime now = OffsetDateTime.now(clock);
        LocalDate today = now.atZoneSameInstant(zones.hospital(hospital.timeZone())).toLocalDate();
        if (period.end().isAfter(today)) {
            throw new ConflictException("month", "billing.invoice.periodNotOver",
                    "the period " + period.start() + " – " + period.end() + " is not over yet", DAY.format(period.end()));
        }
        int year = now.atZoneSameInstant(zones.center()).getYear();
        // Taken first, the counter's lock also serialises the check below with any other issuer.
        jdbc.sql("insert into invoice_counter (year, last_number) values (:y, 0) on conflict do nothing")
                .param("y", year).update();
        int last = jdbc.sql("select last_number from invoice_counter where year = :y for update")
                .param("y", year).query(Integer.class).single();
        Optional<Long> existing = jdbc.sql("select id from invoice where hospital_id = :h and period_start = :start")
                .param("h", hospitalId).param("start", period.start()).query(Long.class).optional();
        if (existing.isPresent()) {
            return new Issued(get(existing.get()), false);
        }
        int exams = s.perExamFeeCents() == null ? 0 : coding.countForHospital(hospitalId, period.start(), period.end());
        long fee = s.perExamFeeCents() == null ? 0 : s.perExamFeeCents();
        long subscriptionCents = period.subscriptionCents(s);
        long examsCents = Math.multiplyExact(fee, (long) exams);
        long total = Math.addExact(subscriptionCents, examsCents);
        long vat = settings.vatOn(total);
        LocalDate due = today.plusDays(settings.paymentDays());
        String number = String.format("F-%d-%06d", year, last + 1);
        byte[] pdf = pdf(number, hospital, s, period, new Amounts(subscriptionCents, exams, fee, examsCents, total, vat),
                due, now);
        long id = jdbc.sql("""
                insert into invoice (number, hospital_id, period_start, period_end, subscription_cents, exam_count,
                                     per_exam_fee_cents, exams_cents, total_cents, vat_rate_basis_points, vat_cents,
                                     due_on, issued_at, issued_by, pdf)
                values (:number, :h, :start, :end, :sub, :exams, :fee, :examsCents, :total, :rate, :vat, :due, :now,
                        :by, :pdf)
                returning id""")
                .param("rate", settings.vatRateBasisPoints()).param("vat", vat).param("due", due)
                .param("number", number).param("h", hospitalId).param("start", period.start())
                .param("end", period.end()).param("sub", subscriptionCents).param("exams", exams).param("fee", fee)
                .param("examsCents", examsCents).param("total", total).param("now", now)
                .param("by", actor.username()).param("pdf", pdf)
                .query(Long.class).single();
        jdbc.sql("update invoice_counter set last_number = :n where year = :y").param("n", last + 1).param("y", year).update();
        audit.record(actor.username(), "INVOICE_ISSUED", "hospital:" + hospitalId, actor.source(),
                AuditLog.Outcome.SUCCESS, number + " " + total + " cents before tax, " + vat + " VAT");
        return new Issued(get(id), true);
    }

    private HospitalRow hospital(long hospitalId) {
        return jdbc.sql("select name, finess, time_zone from hospital where id = :id").param("id", hospitalId)
                .query(HospitalRow.class).optional()
                .orElseThrow(() -> new NotFoundException("billing.hospital.unknown", "no hospital " + hospitalId, hospitalId));
    }

    /** The lines of an invoice, before tax, and its VAT. */
    private record Amounts(long subscriptionCents, int exams, long fee, long examsCents, long total, long vat) {}

    private byte[] pdf(String number, HospitalRow hospital, Subscription s, BillingPeriod period, Amounts a,
                       LocalDate due, OffsetDateTime issuedAt) {
        float[] columns = {0, 300, 360};
        try (PdfSheet pdf = new PdfSheet("Facture " + number)) {
            pdf.title("Facture " + number).line(settings.sellerName());
            if (!settings.sellerAddress().isBlank()) {
                pdf.line(settings.sellerAddress());
            }
            if (!settings.sellerSiren().isBlank()) {
                pdf.line("SIREN " + settings.sellerSiren());
            }
            if (!settings.sellerVatNumber().isBlank()) {
                pdf.line("N° TVA intracommunautaire " + settings.sellerVatNumber());
            }
            pdf.line("Émise le " + DAY.format(issuedAt.atZoneSameInstant(zones.center())))
                    .gap()
                    .bold("Client : " + hospital.name())
                    .line("FINESS " + hospital.finess())
                    .line("Période du " + DAY.format(period.start()) + " au " + DAY.format(period.end().minusDays(1)) + " inclus")
                    .gap()
                    .header(columns, "Désignation", "Quantité", "Montant")
                    .row(columns, "Abonnement logiciel (" + frequency(s.frequency()) + ", "
                            + Money.euros(s.annualAmountCents()) + " par an)", "1", Money.euros(a.subscriptionCents()));
            if (s.perExamFeeCents() != null) {
                pdf.row(columns, "Examens interprétés (" + Money.euros(a.fee()) + " par examen)", String.valueOf(a.exams()),
                        Money.euros(a.examsCents()));
            }
            return pdf.gap().line("Total hors taxes : " + Money.euros(a.total()))
                    .line("TVA " + percent(settings.vatRateBasisPoints()) + " : " + Money.euros(a.vat()))
                    .bold("Total TTC : " + Money.euros(a.total() + a.vat()))
                    .gap().line("À régler au plus tard le " + DAY.format(due)
                            + " ; pas d'escompte pour paiement anticipé.").bytes();
        }
    }

    /** 2000 → "20 %", 550 → "5,5 %". */
    static String percent(int basisPoints) {
        String p = java.math.BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString().replace('.', ',');
        return p + " %";
    }

    private static String frequency(Subscription.Frequency f) {
        return switch (f) {
            case MONTHLY -> "mensuel";
            case QUARTERLY -> "trimestriel";
            case ANNUAL -> "annuel";
        };
    }
}
