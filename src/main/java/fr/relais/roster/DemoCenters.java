package fr.relais.roster;

import fr.relais.platform.Actor;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.List;

/** The demo reading centers (profile {@code demo}); seeds only those that are missing. */
@Component
@Profile("demo")
@Order(10)
public class DemoCenters implements ApplicationRunner {

    public static final List<String> NAMES = List.of(
            "Centre de garde Bordeaux", "Centre de garde Lyon", "Centre de garde Paris");

    private final ReadingCenterService centers;

    DemoCenters(ReadingCenterService centers) {
        this.centers = centers;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Returns how many centers were created. */
    public int seed() {
        int created = 0;
        for (String name : NAMES) {
            if (centers.findByName(name).isEmpty()) {
                centers.create(new ReadingCenterRequest(name, ReadingCenterRequest.DEFAULT_SEATS), Actor.SYSTEM);
                created++;
            }
        }
        return created;
    }
}
