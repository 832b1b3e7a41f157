package fr.relais.security;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a login attempt may be checked at all, from what failed before: a pure function of the
 * history and the clock, so that every rule can be tried with a moved clock.
 *
 * <ul>
 *   <li>One account from one source: {@code freeFailures} failures are free; after them each
 *       attempt waits {@code firstDelay}, doubled with each further failure up to {@code maxDelay};
 *       at {@code sourceLockFailures} within {@code window} that source is shut out of that account
 *       until {@code window} after its last failure. The same account from anywhere else is not
 *       slowed.</li>
 *   <li>One source against many accounts (spraying): at {@code sprayFailures} within
 *       {@code window}, shut out of every account until {@code window} after its last failure.</li>
 *   <li>Proven guessing locks the account for everyone ({@link #provesGuessing}): at least
 *       {@code lockoutFailures} failures from at least {@code lockoutSources} distinct sources within
 *       {@code lockoutWindow}; the lock holds {@code lockoutDuration} or until an administrator lifts it.</li>
 * </ul>
 */
record ThrottlePolicy(int freeFailures, Duration firstDelay, Duration maxDelay, int sourceLockFailures,
                      int sprayFailures, Duration window, int lockoutFailures, int lockoutSources,
                      Duration lockoutWindow, Duration lockoutDuration) {

    ThrottlePolicy {
        if (freeFailures < 1 || sourceLockFailures <= freeFailures || sprayFailures < sourceLockFailures
                || lockoutFailures < 1 || lockoutSources < 2) {
            throw new IllegalArgumentException("throttle settings out of order: free " + freeFailures + " < source lock "
                    + sourceLockFailures + " <= spray " + sprayFailures + ", lockout from at least 2 sources");
        }
    }

    /** What the database knows of recent failures for one attempt (account as typed, source). */
    record History(int accountFromSource, Instant lastFromSource, int fromSource, Instant lastOfSource,
                   Instant lockedUntil) {
        static final History NONE = new History(0, null, 0, null, null);
    }

    enum Refusal { DELAYED, SOURCE_BLOCKED, ACCOUNT_LOCKED }

    /**
     * Allowed (refusal null), or refused until {@code retryAt}; {@code failuresHere} is what this
     * account already failed from this source (a success then has something to forget).
     */
    record Verdict(Refusal refusal, Instant retryAt, int failuresHere) {

        boolean allowed() {
            return refusal == null;
        }

        /** Not a wait: this source (or everyone) is shut out of the account for now. */
        boolean shutsOut() {
            return refusal == Refusal.SOURCE_BLOCKED || refusal == Refusal.ACCOUNT_LOCKED;
        }

        /** Whole seconds to wait, at least 1: what a Retry-After header says. */
        long secondsLeft(Instant now) {
            return Math.max(1, (Duration.between(now, retryAt).toMillis() + 999) / 1000);
        }
    }

    Verdict decide(History history, Instant now) {
        int failures = history.accountFromSource();
        if (history.lockedUntil() != null && history.lockedUntil().isAfter(now)) {
            return new Verdict(Refusal.ACCOUNT_LOCKED, history.lockedUntil(), failures);
        }
        if (history.fromSource() >= sprayFailures) {
            return refusedUntil(Refusal.SOURCE_BLOCKED, history.lastOfSource().plus(window), now, failures);
        }
        if (failures >= sourceLockFailures) {
            return refusedUntil(Refusal.SOURCE_BLOCKED, history.lastFromSource().plus(window), now, failures);
        }
        if (failures >= freeFailures) {
            return refusedUntil(Refusal.DELAYED, history.lastFromSource().plus(delayAfter(failures)), now, failures);
        }
        return new Verdict(null, null, failures);
    }

    /** The wait before the next attempt once this many failures are counted (freeFailures or more). */
    Duration delayAfter(int failures) {
        int doublings = Math.min(failures - freeFailures, 30);
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    boolean provesGuessing(int accountFailures, int distinctSources) {
        return accountFailures >= lockoutFailures && distinctSources >= lockoutSources;
    }

    private static Verdict refusedUntil(Refusal refusal, Instant until, Instant now, int failures) {
        return until.isAfter(now) ? new Verdict(refusal, until, failures) : new Verdict(null, null, failures);
    }
}
