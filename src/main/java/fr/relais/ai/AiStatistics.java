package fr.relais.ai;

import fr.relais.platform.Zones;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.util.List;

/**
 * How each engine did against the radiologists' final answers, per finding and month (on the
 * reading centers' clock): sensitivity, specificity, PPV and NPV with 95% Wilson score intervals.
 */
@Service
public class AiStatistics {

    /** A proportion k/n with its 95% Wilson interval; value and bounds are null when n is 0. */
    public record Proportion(int k, int n, Double value, Double low, Double high) {
        public static Proportion of(int k, int n) {
            if (n == 0) {
                return new Proportion(0, 0, null, null, null);
            }
            double[] ci = wilson(k, n);
            return new Proportion(k, n, (double) k / n, ci[0], ci[1]);
        }
    }

    public record Row(String engine, String finding, String month, int truePositives, int falsePositives,
                      int trueNegatives, int falseNegatives, Proportion sensitivity, Proportion specificity,
                      Proportion ppv, Proportion npv) {}

    static final double Z95 = 1.959963984540054;

    private final JdbcClient jdbc;
    private final Zones zones;

    AiStatistics(JdbcClient jdbc, Zones zones) {
        this.jdbc = jdbc;
        this.zones = zones;
    }

    /** Every engine, finding and month with reviews; {@code month} (YYYY-MM) narrows to one month. */
    public List<Row> rows(String month) {
        return jdbc.sql("""
                select g.code as engine, v.finding,
                       to_char(v.reviewed_at at time zone :zone, 'YYYY-MM') as month,
                       count(*) filter (where v.ai_positive and v.radiologist_positive) as tp,
                       count(*) filter (where v.ai_positive and not v.radiologist_positive) as fp,
                       count(*) filter (where not v.ai_positive and not v.radiologist_positive) as tn,
                       count(*) filter (where not v.ai_positive and v.radiologist_positive) as fn
                from ai_review v join ai_engine g on g.id = v.engine_id
                where v.ai_positive is not null
                  and (cast(:month as text) is null
                       or to_char(v.reviewed_at at time zone :zone, 'YYYY-MM') = :month)
                group by g.code, v.finding, month
                order by month desc, g.code, v.finding""")
                .param("month", month).param("zone", zones.center().getId())
                .query((rs, n) -> row(rs.getString("engine"), rs.getString("finding"), rs.getString("month"),
                        rs.getInt("tp"), rs.getInt("fp"), rs.getInt("tn"), rs.getInt("fn")))
                .list();
    }

    /**
     * One disagreement between an engine and the radiologist's final answer (a finding the AI missed
     * with no engine looking for it has no engine), for the coordinators to go back over.
     */
    public record Discordance(long examId, String accessionNumber, String hospital, String engine, String finding, Boolean aiPositive,
                              boolean radiologistPositive, String radiologist, java.time.OffsetDateTime reviewedAt) {}

    /** The month's disagreements (the centers' month), the latest first; every month's when {@code month} is null. */
    public List<Discordance> discordances(String month) {
        return jdbc.sql("""
                select v.exam_id, r.accession_number, h.name as hospital, g.code as engine, v.finding, v.ai_positive,
                       v.radiologist_positive, u.display_name as radiologist, v.reviewed_at
                from ai_review v join exam e on e.id = v.exam_id join hospital h on h.id = e.hospital_id
                left join exam_request r on r.exam_id = e.id
                left join ai_engine g on g.id = v.engine_id join app_user u on u.id = v.reviewed_by
                where not v.agreement
                  and (cast(:month as text) is null
                       or to_char(v.reviewed_at at time zone :zone, 'YYYY-MM') = :month)
                order by v.reviewed_at desc, v.id desc limit 500""")
                .param("month", month).param("zone", zones.center().getId())
                .query((rs, n) -> new Discordance(rs.getLong("exam_id"), rs.getString("accession_number"), rs.getString("hospital"), rs.getString("engine"),
                        rs.getString("finding"), (Boolean) rs.getObject("ai_positive"), rs.getBoolean("radiologist_positive"),
                        rs.getString("radiologist"), rs.getObject("reviewed_at", java.time.OffsetDateTime.class)))
                .list();
    }

    static Row row(String engine, String finding, String month, int tp, int fp, int tn, int fn) {
        return new Row(engine, finding, month, tp, fp, tn, fn, Proportion.of(tp, tp + fn), Proportion.of(tn, tn + fp),
                Proportion.of(tp, tp + fp), Proportion.of(tn, tn + fn));
    }

    /** Wilson score interval (1927): well-behaved at 0 and n, unlike the normal approximation. */
    static double[] wilson(int k, int n) {
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
