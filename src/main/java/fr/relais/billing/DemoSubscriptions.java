package fr.relais.billing;

import fr.relais.hospital.DemoHospitals;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.time.LocalDate;

/**
 * Subscriptions for the demo hospitals (profile {@code demo}): every third one invoiced each
 * month with a per-exam fee, the others each quarter or each year. Leaves alone what exists.
 */
@Component
@Profile("demo")
@Order(60)
public class DemoSubscriptions implements ApplicationRunner {

    private final Invoices invoices;
    private final HospitalService hospitals;

    DemoSubscriptions(Invoices invoices, HospitalService hospitals) {
        this.invoices = invoices;
        this.hospitals = hospitals;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Returns how many subscriptions were created. */
    public int seed() {
        int created = 0;
        int i = 0;
        for (var demo : DemoHospitals.NETWORK) {
            var hospital = hospitals.findByName(demo.name());
            int n = i++;
            if (hospital.isEmpty() || invoices.subscription(hospital.get().id()).isPresent()) {
                continue;
            }
            Subscription.Frequency frequency = Subscription.Frequency.values()[n % 3];
            long annual = 1_200_000L + 300_000L * (n % 4);
            Long perExam = frequency == Subscription.Frequency.MONTHLY ? 1_500L : null;
            invoices.setSubscription(hospital.get().id(),
                    new SubscriptionRequest(annual, LocalDate.of(2026, 1, 1), frequency, perExam), Actor.SYSTEM);
            created++;
        }
        return created;
    }
}
