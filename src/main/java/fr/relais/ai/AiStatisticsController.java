package fr.relais.ai;

import fr.relais.platform.InvalidInputException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import java.util.List;

/**
 * AI performance against the radiologists: {@code GET /api/ai/statistics[?month=YYYY-MM]}, the
 * disagreements behind it, {@code GET /api/ai/discordances[?month=YYYY-MM]}, and the page
 * {@code /coordination/ai} with both.
 */
@Controller
@PreAuthorize("hasAnyRole('COORDINATOR','ADMIN')")
class AiStatisticsController {

    private final AiStatistics statistics;

    AiStatisticsController(AiStatistics statistics) {
        this.statistics = statistics;
    }

    @GetMapping("/api/ai/statistics")
    @ResponseBody
    List<AiStatistics.Row> json(@RequestParam(required = false) String month) {
        return statistics.rows(checked(month));
    }

    @GetMapping("/api/ai/discordances")
    @ResponseBody
    List<AiStatistics.Discordance> discordances(@RequestParam(required = false) String month) {
        return statistics.discordances(checked(month));
    }

    @GetMapping("/coordination/ai")
    String page(@RequestParam(required = false) String month, Model model) {
        String checked = checked(month);
        model.addAttribute("rows", statistics.rows(checked));
        model.addAttribute("discordances", statistics.discordances(checked));
        model.addAttribute("month", month);
        return "coordination/ai";
    }

    private static String checked(String month) {
        if (month == null || month.isBlank()) {
            return null;
        }
        if (!month.matches("\\d{4}-(0[1-9]|1[0-2])")) {
            throw new InvalidInputException("month", "ai.statistics.month.invalid", "the month is written YYYY-MM, e.g. 2026-11");
        }
        return month;
    }
}
