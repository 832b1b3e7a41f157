package fr.relais.report;

import fr.relais.request.RequestView;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The French templates of the catalog's exam types (table report_template, seeded by V5) and the
 * quick phrases. A proposal starts from the request: its clinical context and question as the
 * indication, the protocol chosen at justification ahead of the template's technique.
 */
@Component
class ReportTemplates {

    /** The four sections of a report before anything is written. */
    record Sections(String indication, String technique, String findings, String conclusion) {}

    private record Template(String technique, String findings, String conclusion) {}

    private final JdbcClient jdbc;

    ReportTemplates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Sections proposal(RequestView request) {
        Template template = jdbc.sql("""
                select technique, findings, conclusion from report_template
                where exam_type_code = :code or exam_type_code is null
                order by exam_type_code nulls last limit 1""")
                .param("code", request.examTypeCode())
                .query(Template.class)
                .single();
        String indication = request.clinicalContext() + "\nQuestion : " + request.question();
        String technique = request.protocol() == null || request.protocol().isBlank()
                ? template.technique()
                : request.protocol().strip() + "\n" + template.technique();
        return new Sections(indication, technique, template.findings(), template.conclusion());
    }

    /** The phrases for the exam type's body region, and those for every exam. */
    List<Phrase> phrases(String examTypeCode) {
        return jdbc.sql("""
                select p.id, p.section, p.label, p.body from report_phrase p
                where p.body_regions is null
                   or (select t.body_region from exam_type t where t.code = :code) = any (p.body_regions)
                order by p.section desc, p.position, p.id""")
                .param("code", examTypeCode)
                .query(Phrase.class)
                .list();
    }
}
