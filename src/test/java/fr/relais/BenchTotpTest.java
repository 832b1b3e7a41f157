package fr.relais;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second-factor codes the bench scripts compute in bash (bench/lib.sh, totp) are the codes of
 * RFC 6238 and the ones the server expects: the RFC's SHA-1 test vectors, and a fresh secret of the
 * kind the enrolment page shows, against the library the server verifies codes with.
 */
class BenchTotpTest {

    @Test
    void theScriptsCodesAreTheRfcsAndTheServersCodes() throws Exception {
        // RFC 6238, appendix B: secret "12345678901234567890" (base32 below), the last 6 of the 8 digits.
        String rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assertThat(totp(rfcSecret, 59 / 30)).isEqualTo("287082");
        assertThat(totp(rfcSecret, 1111111109L / 30)).isEqualTo("081804");
        assertThat(totp(rfcSecret, 2000000000L / 30)).isEqualTo("279037");

        String secret = new DefaultSecretGenerator(32).generate();
        DefaultCodeGenerator server = new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6);
        for (long step : new long[] {1, 56_000_000L, 61_234_567L}) {
            assertThat(totp(secret, step)).as("step " + step).isEqualTo(server.generate(secret, step));
        }
        assertThat(totp(secret, 56_000_000L)).isNotEqualTo(totp(secret, 56_000_001L));
    }

    private static String totp(String secret, long step) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c",
                "set -euo pipefail; ROOT=.; die() { echo \"$*\" >&2; exit 1; }; source bench/lib.sh; totp \"$1\" \"$2\"",
                "totp", secret, String.valueOf(step)).redirectErrorStream(true).start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.exitValue()).as(out).isZero();
        return out;
    }
}
