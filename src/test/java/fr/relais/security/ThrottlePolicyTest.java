package fr.relais.security;

import fr.relais.security.ThrottlePolicy.History;
import fr.relais.security.ThrottlePolicy.Refusal;
import fr.relais.security.ThrottlePolicy.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThrottlePolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");
    private final ThrottlePolicy policy = new ThrottlePolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 10, 30,
            Duration.ofMinutes(15), 20, 3, Duration.ofHours(1), Duration.ofHours(1));

    private static History fromSource(int failures, Instant last) {
        return new History(failures, last, failures, last, null);
    }

    @Test
    void theFirstFailuresAreFree() {
        assertThat(policy.decide(History.NONE, NOW).allowed()).isTrue();
        assertThat(policy.decide(fromSource(2, NOW), NOW).allowed()).isTrue();
    }

    @Test
    void eachFailureBeyondTheFreeOnesDoublesTheWaitUpToTheCap() {
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(6)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayAfter(9)).isEqualTo(Duration.ofMinutes(1));
        Verdict waiting = policy.decide(fromSource(5, NOW.minusSeconds(1)), NOW);
        assertThat(waiting.refusal()).isEqualTo(Refusal.DELAYED);
        assertThat(waiting.retryAt()).isEqualTo(NOW.plusSeconds(3));
        assertThat(waiting.secondsLeft(NOW)).isEqualTo(3);
        assertThat(waiting.shutsOut()).isFalse();
        // Once the wait is over, the next attempt is checked.
        assertThat(policy.decide(fromSource(5, NOW.minusSeconds(4)), NOW).allowed()).isTrue();
    }

    @Test
    void aSourceThatKeepsFailingIsShutOutOfTheAccountForTheWindowAfterItsLastFailure() {
        Instant last = NOW.minus(Duration.ofMinutes(5));
        Verdict shut = policy.decide(fromSource(10, last), NOW);
        assertThat(shut.refusal()).isEqualTo(Refusal.SOURCE_BLOCKED);
        assertThat(shut.retryAt()).isEqualTo(last.plus(Duration.ofMinutes(15)));
        assertThat(shut.shutsOut()).isTrue();
        assertThat(policy.decide(fromSource(10, NOW.minus(Duration.ofMinutes(16))), NOW).allowed()).isTrue();
    }

    @Test
    void aSourceSprayingManyAccountsIsShutOutOfEveryOne() {
        // No failure for this account from there, thirty for others.
        History spraying = new History(0, null, 30, NOW.minusSeconds(10), null);
        assertThat(policy.decide(spraying, NOW).refusal()).isEqualTo(Refusal.SOURCE_BLOCKED);
        assertThat(policy.decide(new History(0, null, 29, NOW.minusSeconds(10), null), NOW).allowed()).isTrue();
    }

    @Test
    void aLockedAccountIsRefusedFromEverywhereUntilTheLockEnds() {
        History locked = new History(0, null, 0, null, NOW.plusSeconds(600));
        assertThat(policy.decide(locked, NOW).refusal()).isEqualTo(Refusal.ACCOUNT_LOCKED);
        assertThat(policy.decide(new History(0, null, 0, null, NOW.minusSeconds(1)), NOW).allowed()).isTrue();
    }

    @Test
    void onlyFailuresFromSeveralSourcesProveGuessing() {
        assertThat(policy.provesGuessing(20, 3)).isTrue();
        assertThat(policy.provesGuessing(200, 2)).as("one or two places failing is throttled, not locked").isFalse();
        assertThat(policy.provesGuessing(19, 5)).isFalse();
    }

    @Test
    void settingsOutOfOrderAreRefusedAtStart() {
        assertThatThrownBy(() -> new ThrottlePolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), 5, 30,
                Duration.ofMinutes(15), 20, 3, Duration.ofHours(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 10, 30,
                Duration.ofMinutes(15), 20, 1, Duration.ofHours(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv6SourcesAreCountedByTheirNetwork() {
        assertThat(LoginThrottle.source("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo(LoginThrottle.source("2001:db8:1:2::7"));
        assertThat(LoginThrottle.source("2001:db8:1:2::7")).endsWith("/64");
        assertThat(LoginThrottle.source("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(LoginThrottle.normalize("  Admin ")).isEqualTo("admin");
    }
}
