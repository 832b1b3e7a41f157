package fr.relais.sim;

import java.math.BigInteger;
import java.util.SplittableRandom;

/**
 * UIDs of the form {@code 2.25.<decimal of a version 4 UUID>} (ISO/IEC 9834-8): no registered root
 * needed, at most 44 characters, and reproducible when the random source is seeded.
 */
final class Uids {

    private Uids() {
    }

    static String next(SplittableRandom random) {
        long high = random.nextLong();
        long low = random.nextLong();
        high = (high & ~0xF000L) | 0x4000L;                  // version 4
        low = (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        BigInteger value = new BigInteger(1, toBytes(high, low));
        return "2.25." + value;
    }

    private static byte[] toBytes(long high, long low) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }
}
