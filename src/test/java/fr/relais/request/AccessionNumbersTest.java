package fr.relais.request;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AccessionNumbersTest {

    @Test
    void aNumberIsRlEightCharactersOfTheAlphabetAndItsCheckWithinDicomSh() {
        Random random = new Random(16);
        for (int i = 0; i < 1000; i++) {
            String number = AccessionNumbers.next(random);
            assertThat(number).matches("RL[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{9}").hasSize(11);
            assertThat(number.length()).isLessThanOrEqualTo(16);
            assertThat(AccessionNumbers.isValid(number)).as(number).isTrue();
            assertThat(AccessionNumbers.isMistyped(number)).isFalse();
        }
        assertThat(AccessionNumbers.ALPHABET).doesNotContain("0", "O", "1", "I", "L").hasSize(31);
    }

    @Test
    void everySingleWrongCharacterIsCaught() {
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            String number = AccessionNumbers.next(random);
            for (int position = 2; position < number.length(); position++) {
                for (char c : AccessionNumbers.ALPHABET.toCharArray()) {
                    if (c == number.charAt(position)) {
                        continue;
                    }
                    String typo = number.substring(0, position) + c + number.substring(position + 1);
                    assertThat(AccessionNumbers.isMistyped(typo)).as(number + " → " + typo).isTrue();
                }
            }
        }
    }

    @Test
    void everySwapOfTwoNeighboursIsCaught() {
        Random random = new Random(11);
        int swaps = 0;
        for (int n = 0; n < 2000; n++) {
            String number = AccessionNumbers.next(random);
            for (int position = 2; position < number.length() - 1; position++) {
                char a = number.charAt(position);
                char b = number.charAt(position + 1);
                if (a == b) {
                    continue;
                }
                String swapped = number.substring(0, position) + b + a + number.substring(position + 2);
                assertThat(AccessionNumbers.isMistyped(swapped)).as(number + " → " + swapped).isTrue();
                swaps++;
            }
        }
        assertThat(swaps).isGreaterThan(10_000);
    }

    @Test
    void aKnownNumberAndItsTypos() {
        char check = AccessionNumbers.checkCharacter("K7MPQ3XA");
        String number = "RLK7MPQ3XA" + check;
        assertThat(AccessionNumbers.isValid(number)).isTrue();
        assertThat(AccessionNumbers.isMistyped("RLK7MPQ3AX" + check)).isTrue();
        assertThat(AccessionNumbers.isMistyped("RLK7MPQ4XA" + check)).isTrue();
    }

    @Test
    void olderSequentialNumbersAndOtherSystemsAreNotMistypedOnes() {
        assertThat(AccessionNumbers.isMistyped("RL00000001")).isFalse();
        assertThat(AccessionNumbers.isMistyped("RL00012345")).isFalse();
        assertThat(AccessionNumbers.isMistyped("SA0123456789")).isFalse();
        assertThat(AccessionNumbers.isMistyped("")).isFalse();
        assertThat(AccessionNumbers.isMistyped(null)).isFalse();
        assertThat(AccessionNumbers.isValid("RL00000001")).isFalse();
    }

    @Test
    void theSecureGeneratorDoesNotRepeatItself() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(AccessionNumbers.next())).isTrue();
        }
    }
}
