package fr.relais.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedPasswordCacheTest {

    /** Compares in plain text and counts how often it is asked. */
    private static final class CountingEncoder implements PasswordEncoder {
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String encode(CharSequence raw) {
            return "plain:" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return encoded.equals("plain:" + raw);
        }
    }

    @Test
    void aVerifiedPasswordIsNotCheckedAgainstItsHashTwice() {
        CountingEncoder slow = new CountingEncoder();
        PasswordEncoder cache = new VerifiedPasswordCache(slow);

        assertThat(cache.matches("secret", "plain:secret")).isTrue();
        assertThat(cache.matches("secret", "plain:secret")).isTrue();
        assertThat(slow.checks).hasValue(1);
    }

    @Test
    void failuresAreAlwaysCheckedAndNeverRemembered() {
        CountingEncoder slow = new CountingEncoder();
        PasswordEncoder cache = new VerifiedPasswordCache(slow);

        assertThat(cache.matches("guess", "plain:secret")).isFalse();
        assertThat(cache.matches("guess", "plain:secret")).isFalse();
        assertThat(slow.checks).hasValue(2);
    }

    @Test
    void aNewHashForTheSameAccountIsCheckedAfresh() {
        CountingEncoder slow = new CountingEncoder();
        PasswordEncoder cache = new VerifiedPasswordCache(slow);

        assertThat(cache.matches("secret", "plain:secret")).isTrue();
        assertThat(cache.matches("secret", "plain:other")).isFalse();
        assertThat(slow.checks).hasValue(2);
    }
}
