package fr.relais.security;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.util.Utils;
import fr.relais.storage.Sealer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The second factor: time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30 s steps, what every
 * authenticator app reads from the enrolment QR code). Mandatory at page login for the roles of
 * relais.security.second-factor.roles (radiologists, coordinators and admins by default).
 * The secret is sealed with the master key; a code is accepted once (the step it matched is kept)
 * and one step early or late, for phones whose clock drifts.
 */
@Component
public class SecondFactor {

    static final String SECRET_PURPOSE = "app_user.totp_secret";
    private static final int PERIOD_SECONDS = 30;
    private static final int DIGITS = 6;
    private static final String ISSUER = "Relais";

    private final JdbcClient jdbc;
    private final Sealer sealer;
    private final Clock clock;
    private final Set<Role> requiredFor;
    private final boolean passwordOnlyApi;
    private final DefaultCodeGenerator codes = new DefaultCodeGenerator(HashingAlgorithm.SHA1, DIGITS);

    SecondFactor(JdbcClient jdbc, Sealer sealer, Clock clock,
                 @Value("${relais.security.second-factor.roles:RADIOLOGIST,COORDINATOR,ADMIN}") List<Role> requiredFor,
                 @Value("${relais.security.second-factor.password-only-api:false}") boolean passwordOnlyApi) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.clock = clock;
        this.requiredFor = requiredFor.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(requiredFor);
        this.passwordOnlyApi = passwordOnlyApi;
    }

    /** Whether people of this role give a code after their password. */
    public boolean requiredFor(Role role) {
        return requiredFor.contains(role);
    }

    /**
     * Whether an account of this role may call the API with its password alone (HTTP Basic): not
     * when the role needs a second factor, unless relais.security.second-factor.password-only-api
     * says so (the test suite's clients do; an operator should use sessions or API tokens).
     */
    boolean allowsPasswordOnlyApi(Role role) {
        return passwordOnlyApi || !requiredFor(role);
    }

    boolean enrolled(long accountId) {
        return jdbc.sql("select totp_secret_sealed is not null from app_user where id = :id")
                .param("id", accountId).query(Boolean.class).optional().orElse(false);
    }

    /** A new random secret (160 bits, base32), not stored until the first code proves the phone has it. */
    String newSecret() {
        return new DefaultSecretGenerator(32).generate();
    }

    /** The enrolment QR code as a data: URI, for an img element. */
    String qrCode(String username, String secret) {
        QrData data = new QrData.Builder().label(username).secret(secret).issuer(ISSUER)
                .algorithm(HashingAlgorithm.SHA1).digits(DIGITS).period(PERIOD_SECONDS).build();
        try {
            ZxingPngQrGenerator generator = new ZxingPngQrGenerator();
            generator.setImageSize(240);
            return Utils.getDataUriForImage(generator.generate(data), generator.getImageMimeType());
        } catch (QrGenerationException e) {
            throw new IllegalStateException("QR code not drawn", e);
        }
    }

    /** Enrolment: the code proves the phone holds the secret, which is then kept (sealed). */
    boolean enrol(long accountId, String secret, String code) {
        OptionalLong step = matchingStep(secret, code, null);
        if (step.isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                        update app_user set totp_secret_sealed = :sealed, totp_enrolled_at = :now, totp_last_step = :step
                        where id = :id and kind = 'PERSON'""")
                .param("sealed", sealer.seal(SECRET_PURPOSE, secret)).param("now", OffsetDateTime.now(clock))
                .param("step", step.getAsLong()).param("id", accountId).update() == 1;
    }

    /** A login's code: right, for a step after the last accepted one (never the same code twice). */
    boolean verify(long accountId, String code) {
        if (code == null || code.isBlank()) {
            return false;
        }
        record Enrolment(byte[] sealed, Long lastStep) {}
        Optional<Enrolment> enrolment = jdbc.sql("""
                        select totp_secret_sealed as sealed, totp_last_step as last_step from app_user
                        where id = :id and totp_secret_sealed is not null""")
                .param("id", accountId).query(Enrolment.class).optional();
        if (enrolment.isEmpty()) {
            return false;
        }
        String secret = sealer.open(SECRET_PURPOSE, enrolment.get().sealed());
        OptionalLong step = matchingStep(secret, code, enrolment.get().lastStep());
        // The update is the replay guard: of two logins racing with one code, one wins.
        return step.isPresent() && jdbc.sql("""
                        update app_user set totp_last_step = :step
                        where id = :id and (totp_last_step is null or totp_last_step < :step)""")
                .param("step", step.getAsLong()).param("id", accountId).update() == 1;
    }

    /** The code of a secret at a time step; for the tests' authenticator too. */
    String code(String secret, long step) {
        try {
            return codes.generate(secret, step);
        } catch (CodeGenerationException e) {
            throw new IllegalStateException("TOTP code not computed", e);
        }
    }

    long currentStep() {
        return Math.floorDiv(clock.millis() / 1000, PERIOD_SECONDS);
    }

    private OptionalLong matchingStep(String secret, String code, Long lastStep) {
        String typed = code == null ? "" : code.replaceAll("\\s", "");
        if (!typed.matches("[0-9]{" + DIGITS + "}")) {
            return OptionalLong.empty();
        }
        long now = currentStep();
        for (long step = now - 1; step <= now + 1; step++) {
            boolean fresh = lastStep == null || step > lastStep;
            if (fresh && MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII),
                    typed.getBytes(StandardCharsets.US_ASCII))) {
                return OptionalLong.of(step);
            }
        }
        return OptionalLong.empty();
    }
}
