package fr.relais.sim;

import fr.relais.request.Urgency;
import fr.relais.sim.CommandOptions.UsageException;
import fr.relais.sim.NightProfile.ExamKind;
import fr.relais.sim.NightSimulation.ExamModel;
import fr.relais.sim.NightSimulation.Night;
import fr.relais.sim.NightSimulation.Policy;
import fr.relais.sim.NightSimulation.ReadingTime;
import fr.relais.sim.NightSimulation.SimExam;
import fr.relais.worklist.PriorityClass;
import fr.relais.worklist.WorklistPolicy;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code relais simulate night}: plays a night of the common worklist in a few seconds, without a
 * server, and prints its figures, the policies compared on the same arrivals, and the fewest
 * radiologists per hour that meet the targets. {@code RelaisApplication.main} dispatches here.
 */
public final class SimulateNightCommand {

    /** A center's usual night: more radiologists in the busy evening, fewer in the small hours. */
    static final List<Integer> DEFAULT_ROSTER = List.of(8, 8, 8, 7, 7, 6, 5, 5, 5, 5, 6, 7);

    static final String USAGE_TEXT = """
            Usage: relais simulate night [options]

            A discrete-event simulation of one night (20:00 to 08:00) of the common worklist,
            run with the production priority policy (fr.relais.worklist.WorklistPolicy).

              --exams N                  exams in the night                              default 250
              --hospitals N              client hospitals                                default 13
              --seed N                   the night's randomness (same seed, same night)  default 1
              --radiologists LIST        radiologists per hour from 20:00: one number for every hour
                                         or 12 numbers separated by commas       default %s
              --policy P                 the policy detailed: deadline, urgency, fifo    default deadline
              --target-minutes M         mean turnaround (first image -> signed) target  default 16
              --vital-open-minutes M     vital exams opened within M minutes (p90)       default 5
              --every-vital              the limit for every vital exam, not the 90th percentile
              --nights N                 nights (seeds S, S+1, ...) pooled for the recommendation, default 5
              --reading KIND=MIN,...     mean reading minutes (HEAD, ABDOMEN_PELVIS, ANGIOGRAPHY,
                                         THORAX, TRAUMA)          default HEAD=12,ABDOMEN_PELVIS=18,
                                                                  ANGIOGRAPHY=15,THORAX=13,TRAUMA=40
              --reading-spread S         lognormal sigma of reading times (0: fixed)     default 0.35
              --ready-minutes M          first image -> READY (transfer, stability)      default 1
              --ai-sensitivity X         haemorrhage engine on head CT                   default 0.95
              --ai-specificity X                                                          default 0.90
            """.formatted(String.join(",", DEFAULT_ROSTER.stream().map(String::valueOf).toList()));

    /** The virtual night starts at 20:00 (the clock is virtual: the date does not matter). */
    static final Instant NIGHT_START = Instant.parse("2026-01-15T20:00:00Z");

    private static final String WHOLE_NUMBER = "a whole number";
    private static final String NUMBER = "a number";

    private SimulateNightCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Settings s;
        try {
            CommandOptions o = CommandOptions.parse(args, Set.of("--exams", "--hospitals", "--seed", "--radiologists",
                    "--policy", "--target-minutes", "--vital-open-minutes", "--nights", "--reading", "--reading-spread",
                    "--ready-minutes", "--ai-sensitivity", "--ai-specificity"), Set.of("--every-vital"));
            if (o.help()) {
                out.print(USAGE_TEXT);
                return GenerateStudyCommand.OK;
            }
            s = Settings.from(o);
        } catch (UsageException | IllegalArgumentException e) {
            err.println("simulate night: " + e.getMessage());
            err.println("Run 'relais simulate night --help' for the options.");
            return GenerateStudyCommand.USAGE;
        }
        long began = System.nanoTime();
        new Printer(out, s).print();
        out.printf(Locale.ROOT, "%n(simulated in %.1f s)%n", (System.nanoTime() - began) / 1e9);
        return GenerateStudyCommand.OK;
    }

    /** The command line, checked. */
    record Settings(int exams, int hospitals, long seed, List<Integer> roster, Policy policy, double targetMinutes,
                    double vitalOpenMinutes, boolean everyVital, int nights, ExamModel model,
                    WorklistPolicy.Targets targets) {

        static Settings from(CommandOptions o) {
            int exams = o.get("--exams", 250, Integer::parseInt, WHOLE_NUMBER);
            int hospitals = o.get("--hospitals", 13, Integer::parseInt, WHOLE_NUMBER);
            long seed = o.get("--seed", 1L, Long::parseLong, WHOLE_NUMBER);
            List<Integer> roster = o.get("--radiologists", DEFAULT_ROSTER, SimulateNightCommand::roster,
                    "one number or " + NightProfile.HOURS + " numbers separated by commas");
            Policy policy = o.get("--policy", Policy.DEADLINE_AI, SimulateNightCommand::policy, "deadline, urgency or fifo");
            double target = o.get("--target-minutes", 16.0, Double::parseDouble, NUMBER);
            double vitalOpen = o.get("--vital-open-minutes", 5.0, Double::parseDouble, NUMBER);
            int nights = o.get("--nights", 5, Integer::parseInt, WHOLE_NUMBER);
            double spread = o.get("--reading-spread", 0.35, Double::parseDouble, NUMBER);
            Map<ExamKind, ReadingTime> reading = NightSimulation.defaultReadingTimes(spread);
            String readingOption = o.get("--reading", "");
            for (String part : readingOption.isBlank() ? new String[0] : readingOption.split(",")) {
                String[] kv = part.split("=");
                ExamKind kind = CommandOptions.parse("--reading", kv[0], k -> ExamKind.valueOf(k.toUpperCase(Locale.ROOT)),
                        "KIND=MINUTES with KIND one of " + Arrays.toString(ExamKind.values()));
                double minutes = CommandOptions.parse("--reading", kv.length == 2 ? kv[1] : "", Double::parseDouble,
                        "KIND=MINUTES");
                reading.put(kind, new ReadingTime(minutes, spread));
            }
            double ready = o.get("--ready-minutes", 1.0, Double::parseDouble, NUMBER);
            double sensitivity = o.get("--ai-sensitivity", 0.95, Double::parseDouble, NUMBER);
            double specificity = o.get("--ai-specificity", 0.90, Double::parseDouble, NUMBER);
            if (exams < 1 || hospitals < 1 || nights < 1 || target <= 0 || ready < 0
                    || sensitivity < 0 || sensitivity > 1 || specificity < 0 || specificity > 1) {
                throw new UsageException("--exams, --hospitals, --nights and --target-minutes must be positive, "
                        + "--ready-minutes not negative, the AI's sensitivity and specificity between 0 and 1");
            }
            ExamModel model = new ExamModel(reading, sensitivity, specificity, Duration.ofMillis(Math.round(ready * 60_000)));
            return new Settings(exams, hospitals, seed, roster, policy, target, vitalOpen, o.flag("--every-vital"), nights, model,
                    WorklistPolicy.Targets.DEFAULTS);
        }

        List<SimExam> night(long nightSeed) {
            return NightSimulation.exams(NightProfile.plan(exams, hospitals, NIGHT_START, nightSeed), model, nightSeed);
        }
    }

    static List<Integer> roster(String value) {
        List<Integer> counts = Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
        if (counts.stream().anyMatch(n -> n < 0) || (counts.size() != 1 && counts.size() != NightProfile.HOURS)) {
            throw new IllegalArgumentException("bad roster");
        }
        return counts.size() == 1 ? Collections.nCopies(NightProfile.HOURS, counts.get(0)) : counts;
    }

    static Policy policy(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "deadline", "deadline_ai", "production" -> Policy.DEADLINE_AI;
            case "urgency" -> Policy.URGENCY;
            case "fifo" -> Policy.FIFO;
            default -> throw new IllegalArgumentException(value);
        };
    }

    /** Writes the report of a night. */
    private record Printer(PrintStream out, Settings s) {

        void print() {
            List<SimExam> exams = s.night(s.seed());
            out.printf(Locale.ROOT, "Relais night simulation: %d exams from %d hospitals, 20:00 to 08:00, seed %d%n",
                    s.exams(), s.hospitals(), s.seed());
            out.printf(Locale.ROOT, "Mix: %s; %d head CTs with a bleed; urgency P1 %d, P2 %d, P3 %d%n",
                    Arrays.stream(ExamKind.values()).map(k -> k.name().toLowerCase(Locale.ROOT) + " "
                            + exams.stream().filter(e -> e.kind() == k).count()).collect(Collectors.joining(", ")),
                    exams.stream().filter(SimExam::bleed).count(), count(exams, Urgency.P1),
                    count(exams, Urgency.P2), count(exams, Urgency.P3));
            out.printf(Locale.ROOT, "Reading minutes (lognormal mean, sigma %.2f): %s; READY %.1f min after the first image%n",
                    s.model().readingTimes().get(ExamKind.HEAD).spread(),
                    s.model().readingTimes().entrySet().stream().map(e -> e.getKey().name().toLowerCase(Locale.ROOT)
                            + " " + fmt(e.getValue().meanMinutes())).collect(Collectors.joining(", ")),
                    s.model().readyDelay().toMillis() / 60_000.0);
            out.printf(Locale.ROOT, "AI haemorrhage engine on head CT: sensitivity %.2f, specificity %.2f; %d exams AI-positive%n",
                    s.model().aiSensitivity(), s.model().aiSpecificity(), exams.stream().filter(SimExam::aiPositive).count());
            out.printf(Locale.ROOT, "Roster, radiologists per hour from 20:00: %s (%d radiologist-hours)%n",
                    rosterText(s.roster()), s.roster().stream().mapToInt(Integer::intValue).sum());

            Night night = NightSimulation.run(exams, NIGHT_START, s.roster(), s.policy(), s.targets());
            NightStatistics st = new NightStatistics(night);
            out.printf(Locale.ROOT, "%n== Policy: %s ==%n", s.policy().label());
            out.println("Turnaround, first image -> signed (minutes)   exams    mean  median     p90     max");
            summaryLine("all exams", st.turnaround());
            for (PriorityClass c : PriorityClass.values()) {
                summaryLine("  " + className(c), st.turnaround(c));
            }
            out.println("Time to open, READY -> opened (minutes)       exams    mean  median     p90     max");
            summaryLine("vital (P1)", st.timeToOpen(PriorityClass.VITAL));
            summaryLine("AI-positive", st.timeToOpen(PriorityClass.AI_POSITIVE));
            summaryLine("head CTs with a bleed", st.timeToOpenOfBleeds());
            out.printf(Locale.ROOT, "Deadlines passed before the exam was opened: %d of %d%n",
                    st.deadlinesMissed(), night.outcomes().size());
            out.printf(Locale.ROOT, "Utilisation: %.0f%% (%.1f h of reading over %.1f radiologist-hours; last report signed at %s)%n",
                    100 * st.utilisation(), st.utilisation() * st.availableMinutes() / 60, st.availableMinutes() / 60,
                    clock(night.outcomes().isEmpty() ? night.end() : night.outcomes().get(night.outcomes().size() - 1).signed()));
            out.println("hour   exams arrived  radiologists  utilisation");
            for (int h = 0; h < night.roster().size(); h++) {
                out.printf(Locale.ROOT, "%s  %13d  %12d  %10.0f%%%n", clock(NIGHT_START.plus(Duration.ofHours(h))),
                        st.arrivals(h), night.roster().get(h), 100 * st.utilisation(h));
            }

            out.printf(Locale.ROOT, "%n== Policies on the same arrivals and the same roster ==%n");
            out.println("policy                          turnaround mean  median    p90   vital open p90  AI+ open p90  bleed open p90");
            for (Policy p : Policy.values()) {
                NightStatistics ps = new NightStatistics(NightSimulation.run(exams, NIGHT_START, s.roster(), p, s.targets()));
                out.printf(Locale.ROOT, "%-31s %15s %7s %6s %16s %13s %15s%n", p.label(), fmt(ps.turnaround().mean()),
                        fmt(ps.turnaround().median()), fmt(ps.turnaround().p90()),
                        fmt(ps.timeToOpen(PriorityClass.VITAL).p90()), fmt(ps.timeToOpen(PriorityClass.AI_POSITIVE).p90()),
                        fmt(ps.timeToOpenOfBleeds().p90()));
            }

            List<List<SimExam>> nights = new ArrayList<>();
            for (int i = 0; i < s.nights(); i++) {
                nights.add(i == 0 ? exams : s.night(s.seed() + i));
            }
            out.printf(Locale.ROOT, "%n== Recommendation: mean turnaround <= %s min and vital exams opened within %s min (%s),%n",
                    fmt(s.targetMinutes()), fmt(s.vitalOpenMinutes()), s.everyVital() ? "every one" : "p90");
            out.printf(Locale.ROOT, "   production policy, %d night%s pooled (seeds %d..%d) ==%n", s.nights(),
                    s.nights() == 1 ? "" : "s", s.seed(), s.seed() + s.nights() - 1);
            Optional<StaffingRecommendation.Result> best = new StaffingRecommendation(nights, NIGHT_START,
                    NightProfile.HOURS, s.targets(), s.targetMinutes(), s.vitalOpenMinutes(), s.everyVital()).fewest();
            if (best.isEmpty()) {
                out.printf(Locale.ROOT, "No roster of up to %d radiologists an hour meets these targets (reading times alone may exceed them).%n",
                        StaffingRecommendation.MOST_RADIOLOGISTS);
                return;
            }
            StaffingRecommendation.Result r = best.get();
            out.println("hour          20 21 22 23 00 01 02 03 04 05 06 07");
            out.println("radiologists " + r.roster().stream().map(n -> String.format(Locale.ROOT, "%3d", n)).collect(Collectors.joining()));
            out.printf(Locale.ROOT, "%d radiologist-hours (this roster: %d); mean turnaround %s min, vital opened within %s min at p90 (longest %s)%n",
                    r.radiologistHours(), s.roster().stream().mapToInt(Integer::intValue).sum(),
                    fmt(r.meanTurnaround()), fmt(r.vitalOpenP90()), fmt(r.vitalOpenMax()));
        }

        private void summaryLine(String label, NightStatistics.Summary sum) {
            out.printf(Locale.ROOT, "  %-43s %5d %7s %7s %7s %7s%n", label, sum.count(), fmt(sum.mean()), fmt(sum.median()),
                    fmt(sum.p90()), fmt(sum.max()));
        }
    }

    private static long count(List<SimExam> exams, Urgency u) {
        return exams.stream().filter(e -> e.urgency() == u).count();
    }

    static String className(PriorityClass c) {
        return switch (c) {
            case VITAL -> "vital (P1)";
            case AI_POSITIVE -> "AI-positive";
            case URGENT -> "urgent (P2)";
            case DEFERRABLE -> "can wait (P3)";
        };
    }

    static String rosterText(List<Integer> roster) {
        return roster.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    static String fmt(double minutes) {
        return Double.isNaN(minutes) ? "-" : String.format(Locale.ROOT, "%.1f", minutes);
    }

    private static String clock(Instant t) {
        return t.toString().substring(11, 16);
    }
}
