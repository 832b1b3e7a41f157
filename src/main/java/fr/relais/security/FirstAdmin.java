package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.RelaisProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;

/**
 * A fresh installation must be administrable: creates the account {@code admin} when it does not
 * exist, with RELAIS_ADMIN_PASSWORD or else a random password shown once on standard output.
 */
@Component
@Order(0)
class FirstAdmin implements ApplicationRunner {

    static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    // No look-alikes (0/O, 1/l/I): the password is read off a terminal.
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final AccountService accounts;
    private final RelaisProperties properties;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();

    FirstAdmin(AccountService accounts, RelaisProperties properties, AuditLog audit) {
        this.accounts = accounts;
        this.properties = properties;
        this.audit = audit;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (accounts.exists(USERNAME)) {
            return;
        }
        String configured = properties.adminPassword();
        boolean generated = configured == null || configured.isBlank();
        String password = generated ? randomPassword() : configured;
        if (!generated && configured.length() < 12) {
            log.warn("RELAIS_ADMIN_PASSWORD is shorter than 12 characters; accounts created later must have 12 or more");
        }
        Account admin = accounts.create(new NewAccount(USERNAME, "Administrateur", Role.ADMIN, null, password), Actor.SYSTEM);
        audit.record(Actor.SYSTEM.username(), "INITIAL_ADMIN_CREATED", "user:" + admin.id(), null,
                AuditLog.Outcome.SUCCESS, generated ? "random password shown once on standard output" : "password from RELAIS_ADMIN_PASSWORD");
        if (generated) {
            // On purpose through System.out and not the logger: it must not reach log files.
            String line = "=".repeat(64);
            System.out.println();
            System.out.println(line);
            System.out.println("  Relais: first start, account 'admin' created.");
            System.out.println("  Initial admin password: " + password);
            System.out.println("  It is shown only this once. Keep it safe, or set RELAIS_ADMIN_PASSWORD");
            System.out.println("  before the first start next time.");
            System.out.println(line);
            System.out.println();
            System.out.flush();
        } else {
            log.info("account 'admin' created with the password from RELAIS_ADMIN_PASSWORD");
        }
    }

    private String randomPassword() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                password.append('-');
            }
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
