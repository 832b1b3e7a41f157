package fr.relais.reading;

import fr.relais.ai.AiResults;
import fr.relais.platform.ProblemException;
import fr.relais.worklist.WorklistFilter;
import fr.relais.worklist.WorklistRow;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the worklist pages (the radiologist's and the coordinators' supervision) show besides the
 * rows themselves: the filter the reader chose and the values offered, and each row's positive AI
 * findings in words with their score.
 */
@Component
class WorklistView {

    /** A positive AI finding as a row shows it; score is null when the engine gave none. */
    record Finding(String label, String score) {}

    private final AiResults ai;
    private final MessageSource messages;

    WorklistView(AiResults ai, MessageSource messages) {
        this.ai = ai;
        this.messages = messages;
    }

    /**
     * The rows the query gives for the filter of the query string. A filter the reader may not use
     * (a hospital they do not read for, a class that does not exist) is said on the page, and the
     * list is shown unfiltered rather than empty.
     */
    List<WorklistRow> filtered(Model model, Locale locale, String hospital, String examType, String priorityClass,
                               WorklistFilter.Choices choices, Function<WorklistFilter, List<WorklistRow>> query) {
        WorklistFilter filter;
        List<WorklistRow> rows;
        try {
            filter = WorklistFilter.parse(hospital, examType, priorityClass);
            rows = query.apply(filter);
        } catch (ProblemException e) {
            model.addAttribute("filterError", messages.getMessage(e, locale));
            filter = WorklistFilter.NONE;
            rows = query.apply(filter);
        }
        model.addAttribute("filter", filter);
        model.addAttribute("filterHospital", filter.hospitalId() == null ? "" : String.valueOf(filter.hospitalId()));
        model.addAttribute("filterExamType", filter.examTypeCode() == null ? "" : filter.examTypeCode());
        model.addAttribute("filterClass", filter.priorityClass() == null ? "" : filter.priorityClass().name());
        model.addAttribute("choices", choices);
        return rows;
    }

    /** The positive findings of every exam of these lists, keyed by exam id ("findings" on the page). */
    @SafeVarargs
    final Map<Long, List<Finding>> findings(Locale locale, List<WorklistRow>... lists) {
        Set<Long> ids = new LinkedHashSet<>();
        for (List<WorklistRow> list : lists) {
            list.forEach(r -> ids.add(r.examId()));
        }
        NumberFormat score = NumberFormat.getNumberInstance(locale);
        score.setMinimumFractionDigits(2);
        score.setMaximumFractionDigits(2);
        Map<Long, List<Finding>> shown = new LinkedHashMap<>();
        ai.positiveFindingsOf(ids).forEach((exam, found) -> {
            List<Finding> words = new ArrayList<>();
            for (AiResults.PositiveFinding f : found) {
                words.add(new Finding(messages.getMessage("ai.finding." + f.finding(), null, f.finding(), locale),
                        f.score() == null ? null : score.format(f.score())));
            }
            shown.put(exam, words);
        });
        return shown;
    }
}
