package fr.relais.billing;

import fr.relais.catalog.ExamType;
import fr.relais.catalog.ExamTypeService;
import fr.relais.platform.NotFoundException;
import fr.relais.platform.Zones;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Production statements: what each radiologist read, night by night, as CSV or PDF. */
@Service
class Statements {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE dd/MM/yyyy", Locale.FRENCH);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.FRENCH);

    private record Who(String displayName, String rpps) {}

    private final JdbcClient jdbc;
    private final CcamCoding coding;
    private final ExamTypeService examTypes;
    private final Zones zones;

    Statements(JdbcClient jdbc, CcamCoding coding, ExamTypeService examTypes, Zones zones) {
        this.zones = zones;
        this.jdbc = jdbc;
        this.coding = coding;
        this.examTypes = examTypes;
    }

    ProductionStatement statement(long radiologistId, YearMonth month) {
        Who who = jdbc.sql("select display_name, rpps from app_user where id = :id and role = 'RADIOLOGIST'")
                .param("id", radiologistId).query(Who.class).optional()
                .orElseThrow(() -> new NotFoundException("billing.radiologist.unknown",
                        "no radiologist " + radiologistId, radiologistId));
        List<CcamAct> acts = coding.radiologistMonth(radiologistId, month);
        Map<String, String> labels = examTypes.list().stream()
                .collect(Collectors.toMap(ExamType::code, ExamType::labelFr));
        Map<LocalDate, List<CcamAct>> byNight = new TreeMap<>(
                acts.stream().collect(Collectors.groupingBy(CcamAct::nightDate)));
        List<ProductionStatement.Night> nights = new ArrayList<>();
        byNight.forEach((night, ofNight) -> nights.add(new ProductionStatement.Night(night, byType(ofNight, labels),
                ofNight.size())));
        List<ProductionStatement.ByModifier> modifiers = new ArrayList<>();
        for (String modifier : Arrays.asList("U", "F", null)) {
            int n = (int) acts.stream().filter(a -> Objects.equals(a.modifier(), modifier)).count();
            modifiers.add(new ProductionStatement.ByModifier(modifier, n));
        }
        return new ProductionStatement(radiologistId, who.displayName(), who.rpps(), month, nights,
                byType(acts, labels), modifiers, acts.size());
    }

    /** The radiologists with at least one act in the month's nights, by name: the statements to send. */
    List<RadiologistRef> radiologistsWithActs(YearMonth month) {
        return jdbc.sql("""
                select distinct u.id, u.display_name, u.rpps from ccam_act a join app_user u on u.id = a.radiologist_id
                where a.night_date between :first and :last order by u.display_name, u.id""")
                .param("first", month.atDay(1)).param("last", month.atEndOfMonth())
                .query(RadiologistRef.class).list();
    }

    record RadiologistRef(long id, String displayName, String rpps) {}

    private static List<ProductionStatement.ByType> byType(List<CcamAct> acts, Map<String, String> labels) {
        Map<String, List<CcamAct>> grouped = new TreeMap<>(acts.stream().collect(Collectors.groupingBy(CcamAct::examTypeCode)));
        return grouped.values().stream()
                .map(of -> new ProductionStatement.ByType(of.get(0).examTypeCode(), of.get(0).ccamCode(),
                        labels.getOrDefault(of.get(0).examTypeCode(), of.get(0).examTypeCode()), of.size()))
                .toList();
    }

    /** One line per night and exam type, then the totals by type and the whole month. */
    static byte[] csv(ProductionStatement s) {
        Csv csv = new Csv().row("radiologue", "rpps", "mois", "nuit", "type_examen", "code_ccam", "libelle", "examens");
        for (ProductionStatement.Night night : s.nights()) {
            for (ProductionStatement.ByType t : night.types()) {
                csv.row(s.radiologistName(), s.rpps(), s.month(), night.date(), t.examTypeCode(), t.ccamCode(),
                        t.label(), t.exams());
            }
        }
        for (ProductionStatement.ByType t : s.types()) {
            csv.row(s.radiologistName(), s.rpps(), s.month(), "total", t.examTypeCode(), t.ccamCode(), t.label(),
                    t.exams());
        }
        for (ProductionStatement.ByModifier m : s.modifiers()) {
            csv.row(s.radiologistName(), s.rpps(), s.month(), "total", "", "", modifierLabel(m.modifier()), m.exams());
        }
        csv.row(s.radiologistName(), s.rpps(), s.month(), "total", "", "", "", s.total());
        return csv.bytes();
    }

    private static String modifierLabel(String modifier) {
        return modifier == null ? "sans modificateur" : switch (modifier) {
            case "U" -> "modificateur U (urgence de nuit, 20 h - 8 h)";
            case "F" -> "modificateur F (dimanche ou jour férié)";
            default -> "modificateur " + modifier;
        };
    }

    byte[] pdf(ProductionStatement s) {
        float[] nightColumns = {0, 170, 430};
        float[] typeColumns = {0, 90, 400};
        try (PdfSheet pdf = new PdfSheet("Relevé de production " + s.month())) {
            pdf.title("Relevé de production — " + MONTH.format(s.month()))
                    .line("Radiologue : " + s.radiologistName() + (s.rpps() == null ? " (RPPS non renseigné)" : " · RPPS " + s.rpps()))
                    .line("Examens lus pendant les nuits de garde commencées dans le mois (heure de "
                            + zones.center().getId() + ").")
                    .gap()
                    .bold("Par nuit")
                    .header(nightColumns, "Nuit du", "Types d'examen", "Examens");
            for (ProductionStatement.Night night : s.nights()) {
                pdf.row(nightColumns, DAY.format(night.date()), night.types().stream()
                        .map(t -> t.examTypeCode() + " × " + t.exams()).collect(Collectors.joining(", ")),
                        String.valueOf(night.exams()));
            }
            pdf.gap().bold("Par type d'examen").header(typeColumns, "CCAM", "Examen", "Examens");
            for (ProductionStatement.ByType t : s.types()) {
                pdf.row(typeColumns, t.ccamCode(), t.label(), String.valueOf(t.exams()));
            }
            pdf.gap().bold("Par modificateur CCAM");
            for (ProductionStatement.ByModifier m : s.modifiers()) {
                pdf.line(modifierLabel(m.modifier()) + " : " + m.exams());
            }
            pdf.gap().bold("Total : " + s.total() + " examen(s) en " + s.nights().size() + " nuit(s)");
            return pdf.bytes();
        }
    }
}
