package fr.relais.request;

import java.security.SecureRandom;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The accession numbers Relais gives: "RL", 8 random characters and a check character, 11 in all
 * (DICOM SH allows 16), from an alphabet a person cannot misread on a scanner console (no 0/O,
 * 1/I/L). Random, so that no one can guess the number of another patient's request; checked, so
 * that a typo is caught where a person types one. 31^8 (about 8.5 × 10^11) numbers.
 *
 * <p>The check: with the characters' values v1..v9 (the check last), Σ i·vi ≡ 0 (mod 31). 31 is
 * prime and the alphabet has 31 characters, so every single wrong character and every swap of two
 * neighbours changes the sum by a non-zero amount mod 31 and is caught. The sequential numbers given
 * before (RL00000001…) stay valid: they are not of this form and are matched as they are.
 */
public final class AccessionNumbers {

    public static final String PREFIX = "RL";
    public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int RANDOM_LENGTH = 8;
    public static final int LENGTH = PREFIX.length() + RANDOM_LENGTH + 1;

    /** What looks like one of ours: the prefix and 9 characters of the alphabet. */
    private static final Pattern OURS = Pattern.compile(PREFIX + "[" + ALPHABET + "]{" + (RANDOM_LENGTH + 1) + "}");

    private static final Random RANDOM = new SecureRandom();

    private AccessionNumbers() {}

    public static String next() {
        return next(RANDOM);
    }

    static String next(Random random) {
        StringBuilder body = new StringBuilder(RANDOM_LENGTH);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            body.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return PREFIX + body + checkCharacter(body);
    }

    /** The check character of the 8 random characters. */
    static char checkCharacter(CharSequence body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            sum += (i + 1) * value(body.charAt(i));
        }
        int n = ALPHABET.length();
        int weight = body.length() + 1;
        // weight · check ≡ −sum (mod 31): multiply by the inverse of the weight.
        int check = Math.floorMod(-sum * inverse(weight, n), n);
        return ALPHABET.charAt(check);
    }

    /** Whether the text has the form of one of the numbers we give now (prefix, 9 characters of the alphabet). */
    public static boolean looksLikeOurs(String text) {
        return text != null && OURS.matcher(text).matches();
    }

    /** Whether the text is one of ours with the right check character. */
    public static boolean isValid(String text) {
        if (!looksLikeOurs(text)) {
            return false;
        }
        String body = text.substring(PREFIX.length(), LENGTH - 1);
        return checkCharacter(body) == text.charAt(LENGTH - 1);
    }

    /**
     * For a number a person typed: true when it has our form but a wrong check character (a typo
     * to point out); false for a valid one, and for anything else (an older sequential number, or
     * another system's), which is looked up as given.
     */
    public static boolean isMistyped(String text) {
        return looksLikeOurs(text) && !isValid(text);
    }

    private static int value(char c) {
        int v = ALPHABET.indexOf(c);
        if (v < 0) {
            throw new IllegalArgumentException("not an accession number character: " + c);
        }
        return v;
    }

    private static int inverse(int a, int n) {
        for (int x = 1; x < n; x++) {
            if (a * x % n == 1) {
                return x;
            }
        }
        throw new IllegalArgumentException(a + " has no inverse mod " + n);
    }
}
