package fr.relais.roster;

import fr.relais.platform.Actor;
import fr.relais.platform.Zones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;

/**
 * A few planned nights for the demo radiologists (profile {@code demo}): the next three Fridays
 * at Bordeaux and Saturdays at Lyon, so that the planning shows names and gaps. Seeds a
 * radiologist only when nothing is planned for them.
 */
@Component
@Profile("demo")
@Order(50)
public class DemoShifts implements ApplicationRunner {

    static final Map<String, String> CENTER_BY_RADIOLOGIST = Map.of(
            "radiologue", DemoCenters.NAMES.get(0), "radiologue2", DemoCenters.NAMES.get(1));

    private static final Logger log = LoggerFactory.getLogger(DemoShifts.class);

    private final ShiftService shifts;
    private final ReadingCenterService centers;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Zones zones;

    DemoShifts(ShiftService shifts, ReadingCenterService centers, JdbcClient jdbc, Clock clock, Zones zones) {
        this.shifts = shifts;
        this.centers = centers;
        this.jdbc = jdbc;
        this.clock = clock;
        this.zones = zones;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Returns how many shifts were planned. */
    public int seed() {
        LocalDate today = zones.today(clock);
        int planned = 0;
        for (Map.Entry<String, String> e : CENTER_BY_RADIOLOGIST.entrySet()) {
            List<Long> user = jdbc.sql("select id from app_user where username = :u and role = 'RADIOLOGIST'")
                    .param("u", e.getKey()).query(Long.class).list();
            var center = centers.findByName(e.getValue());
            if (user.isEmpty() || center.isEmpty()
                    || jdbc.sql("select exists (select 1 from planned_shift where user_id = :u)")
                    .param("u", user.get(0)).query(Boolean.class).single()) {
                continue;
            }
            DayOfWeek day = e.getKey().equals("radiologue") ? DayOfWeek.FRIDAY : DayOfWeek.SATURDAY;
            LocalDate night = today.with(TemporalAdjusters.next(day));
            for (int week = 0; week < 3; week++, night = night.plusWeeks(1)) {
                shifts.signUp(user.get(0), center.get().id(), night, Actor.SYSTEM);
                planned++;
            }
        }
        if (planned > 0) {
            log.info("demo: {} night shifts planned", planned);
        }
        return planned;
    }
}
