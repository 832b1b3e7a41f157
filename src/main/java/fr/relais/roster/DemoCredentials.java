package fr.relais.roster;

import fr.relais.hospital.DemoHospitals;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.AccountService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo radiologists' credentials (profile {@code demo}): every demo hospital, a
 * subspecialty or two, and an RPPS number. Runs after the accounts exist; leaves alone what an administrator already set.
 */
@Component
@Profile("demo")
@Order(40)
public class DemoCredentials implements ApplicationRunner {

    public static final Map<String, List<String>> SUBSPECIALTIES = Map.of(
            "radiologue", List.of(Subspecialty.NEURO.name()),
            "radiologue2", List.of(Subspecialty.VASCULAR.name(), Subspecialty.THORACIC.name()));

    /** Made-up RPPS numbers with a right check digit, for the demo's act lines. */
    public static final Map<String, String> RPPS = Map.of("radiologue", "10001234565", "radiologue2", "10002345675");

    private static final Logger log = LoggerFactory.getLogger(DemoCredentials.class);

    private final CredentialService credentials;
    private final AccountService accounts;
    private final HospitalService hospitals;

    DemoCredentials(CredentialService credentials, AccountService accounts, HospitalService hospitals) {
        this.credentials = credentials;
        this.accounts = accounts;
        this.hospitals = hospitals;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Returns how many radiologists received credentials. */
    public int seed() {
        List<Long> network = DemoHospitals.NETWORK.stream()
                .map(h -> hospitals.findByName(h.name()))
                .flatMap(Optional::stream)
                .map(h -> h.id())
                .toList();
        int seeded = 0;
        for (Map.Entry<String, List<String>> demo : SUBSPECIALTIES.entrySet()) {
            Optional<AccountPrincipal> account = accounts.findPrincipal(demo.getKey());
            if (account.isEmpty()) {
                log.warn("demo: no account {}; no credentials given", demo.getKey());
                continue;
            }
            long id = account.get().id();
            boolean changed = false;
            if (credentials.authorisedHospitals(id).isEmpty()) {
                credentials.setHospitals(id, network, Actor.SYSTEM);
                changed = true;
            }
            if (credentials.subspecialties(id).isEmpty()) {
                credentials.setSubspecialties(id, demo.getValue(), Actor.SYSTEM);
                changed = true;
            }
            if (credentials.get(id).rpps() == null) {
                credentials.setRpps(id, RPPS.get(demo.getKey()), Actor.SYSTEM);
                changed = true;
            }
            seeded += changed ? 1 : 0;
        }
        return seeded;
    }
}
