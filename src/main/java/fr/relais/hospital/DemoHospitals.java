package fr.relais.hospital;

import fr.relais.platform.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The demo network (profile {@code demo}): the 13 client hospitals of a Bordeaux-region night
 * network, each calling with one AE title. FINESS numbers are synthetic: the real department
 * prefix, then 099 and a serial, then a Luhn key. Seeds only the hospitals that are missing.
 */
@Component
@Profile("demo")
@Order(20)
public class DemoHospitals implements ApplicationRunner {

    /** One demo hospital; the simulator calls with {@code aeTitle}. */
    public record DemoHospital(String name, String department, String aeTitle) {
        public String finess() {
            String body = department + "099" + String.format("%03d", NETWORK.indexOf(this) + 1);
            return body + luhnKey(body);
        }
    }

    /** AE titles: the town in capitals without accents, then _CT; 16 characters at most. */
    public static final List<DemoHospital> NETWORK = List.of(
            new DemoHospital("CH Agen", "47", "AGEN_CT"),
            new DemoHospital("CH Angoulême", "16", "ANGOULEME_CT"),
            new DemoHospital("CH Dax", "40", "DAX_CT"),
            new DemoHospital("CH Jonzac", "17", "JONZAC_CT"),
            new DemoHospital("CH Marmande", "47", "MARMANDE_CT"),
            new DemoHospital("CH Oloron", "64", "OLORON_CT"),
            new DemoHospital("CH Orthez", "64", "ORTHEZ_CT"),
            new DemoHospital("CH Pau", "64", "PAU_CT"),
            new DemoHospital("CH Royan", "17", "ROYAN_CT"),
            new DemoHospital("CH Saintonge", "17", "SAINTONGE_CT"),
            // "ST_JEAN_ANGELY_CT" would be 17 characters, one more than DICOM allows.
            new DemoHospital("CH Saint-Jean-d'Angély", "17", "STJEAN_ANGELY_CT"),
            new DemoHospital("CH Villeneuve-sur-Lot", "47", "VILLENEUVE_CT"),
            new DemoHospital("Clinique mutualiste de Pessac", "33", "PESSAC_CT"));

    private static final Logger log = LoggerFactory.getLogger(DemoHospitals.class);

    private final HospitalService hospitals;
    private final HospitalDirectory directory;

    DemoHospitals(HospitalService hospitals, HospitalDirectory directory) {
        this.hospitals = hospitals;
        this.directory = directory;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Creates the hospitals that are missing (by name, or whose AE title is free); returns how many. */
    public int seed() {
        int created = 0;
        for (DemoHospital demo : NETWORK) {
            if (hospitals.findByName(demo.name()).isPresent() || directory.findByCallingAeTitle(demo.aeTitle()).isPresent()) {
                continue;
            }
            hospitals.create(new HospitalRequest(demo.name(), demo.finess(), null,
                    HospitalRequest.DEFAULT_RETENTION_DAYS, List.of(demo.aeTitle())), Actor.SYSTEM);
            created++;
        }
        if (created > 0) {
            log.info("demo: {} client hospitals created", created);
        }
        return created;
    }

    /** The Luhn check digit of a string of digits. */
    static int luhnKey(String digits) {
        int sum = 0;
        boolean doubled = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }
}
