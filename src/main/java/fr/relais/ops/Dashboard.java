package fr.relais.ops;

import fr.relais.worklist.StaffingRule;

import java.time.Instant;
import java.util.List;

/**
 * The operations figures of tonight, as the page, the JSON API and the gauges show them. Minutes.
 * staffing: whether the radiologists on duty open the queue before its deadlines, now; alerts: those open.
 */
public record Dashboard(Instant since, Instant at, List<QueueLine> queue, long inReading, Turnaround turnaround,
                        List<Breakdown> byClass, List<Breakdown> byUrgency, List<Breakdown> byHospital,
                        List<Breakdown> byExamType, List<OpenDelay> timeToOpen, List<Breach> slaBreaches, List<RadiologistLoad> radiologists,
                        List<HourCount> perHour, StaffingRule.Assessment staffing, List<OpsAlert> alerts) {

    /** The READY exams of one deadline class: how many, the longest and mean wait, how many past their deadline. */
    public record QueueLine(String priorityClass, long waiting, double oldestWaitMinutes, double meanWaitMinutes,
                            long late) {}

    /** Turnaround, first image received to report signed, of the reports signed tonight (null: none signed). */
    public record Turnaround(long signed, Double meanMinutes, Double medianMinutes, Double p90Minutes) {}

    public record Breakdown(String key, Turnaround turnaround) {}

    /** READY to opened (first claim or assignment), for the exams of a class opened tonight. */
    public record OpenDelay(String priorityClass, long opened, Double meanMinutes, Double p90Minutes) {}

    /** Exams of a class whose deadline passed tonight before they were opened (or that still wait). */
    public record Breach(String priorityClass, long beforeOpened, long beforeSigned) {}

    /** A radiologist checked in: their center, the exams they hold, the reports they signed tonight. */
    public record RadiologistLoad(long userId, String name, String center, Instant checkedInAt, long reading,
                                  long signedTonight) {}

    /** Exams whose first image arrived in an hour (local time of the network), and reports signed in it. */
    public record HourCount(String hour, long arrived, long signed) {}

    public long waiting() {
        return queue.stream().mapToLong(QueueLine::waiting).sum();
    }

    public long breaches() {
        return slaBreaches.stream().mapToLong(Breach::beforeOpened).sum();
    }
}
