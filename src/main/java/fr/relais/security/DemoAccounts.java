package fr.relais.security;

import fr.relais.hospital.Hospital;
import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.RelaisProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * Demo accounts with known passwords, one per role (profile {@code demo}), created when missing,
 * and the list of them printed once the server is up so that a first-time user can log in.
 */
@Component
@Profile("demo")
@Order(30)
public class DemoAccounts implements ApplicationRunner {

    /** One demo account; hospitalName is set for hospital roles. */
    public record DemoAccount(String username, String displayName, Role role, String hospitalName, String password) {}

    public static final List<DemoAccount> ACCOUNTS = List.of(
            new DemoAccount("coordo", "Claire Martin", Role.COORDINATOR, null, "coordo-relais"),
            new DemoAccount("radiologue", "Dr Julien Moreau", Role.RADIOLOGIST, null, "radiologue-relais"),
            new DemoAccount("radiologue2", "Dr Sophie Bernard", Role.RADIOLOGIST, null, "radiologue2-relais"),
            new DemoAccount("urgentiste.pau", "Dr Thomas Laurent", Role.HOSPITAL_PHYSICIAN, "CH Pau", "urgentiste.pau-relais"),
            new DemoAccount("manip.pau", "Léa Dubois", Role.HOSPITAL_TECHNOLOGIST, "CH Pau", "manip.pau-relais"),
            new DemoAccount("facturation", "Service facturation", Role.BILLING, null, "facturation-relais"));

    private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);

    private final AccountService accounts;
    private final HospitalService hospitals;
    private final RelaisProperties properties;

    DemoAccounts(AccountService accounts, HospitalService hospitals, RelaisProperties properties) {
        this.accounts = accounts;
        this.hospitals = hospitals;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Creates the accounts that are missing; returns how many. */
    public int seed() {
        int created = 0;
        for (DemoAccount demo : ACCOUNTS) {
            if (accounts.exists(demo.username())) {
                continue;
            }
            Long hospitalId = null;
            if (demo.hospitalName() != null) {
                Optional<Hospital> hospital = hospitals.findByName(demo.hospitalName());
                if (hospital.isEmpty()) {
                    log.warn("demo: no hospital named {}; account {} not created", demo.hospitalName(), demo.username());
                    continue;
                }
                hospitalId = hospital.get().id();
            }
            accounts.create(new NewAccount(demo.username(), demo.displayName(), demo.role(), hospitalId, demo.password()),
                    Actor.SYSTEM);
            created++;
        }
        return created;
    }

    @EventListener(ApplicationReadyEvent.class)
    void printAccounts(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : -1;
        StringBuilder out = new StringBuilder();
        String line = "=".repeat(72);
        out.append('\n').append(line).append('\n');
        out.append("  Relais demo is running: http://localhost:").append(port).append("/\n\n");
        out.append(String.format("  %-16s %-32s %s%n", "username", "role", "password"));
        out.append(String.format("  %-16s %-32s %s%n", FirstAdmin.USERNAME, Role.ADMIN, adminPassword()));
        for (DemoAccount demo : ACCOUNTS) {
            String password = accounts.passwordMatches(demo.username(), demo.password())
                    ? demo.password() : "(changed or missing)";
            String role = demo.role() + (demo.hospitalName() == null ? "" : ", " + demo.hospitalName());
            out.append(String.format("  %-16s %-32s %s%n", demo.username(), role, password));
        }
        out.append(line).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    private String adminPassword() {
        String configured = properties.adminPassword();
        if (configured != null && !configured.isBlank() && accounts.passwordMatches(FirstAdmin.USERNAME, configured)) {
            return configured;
        }
        return "(set at first start, not the demo one)";
    }
}
