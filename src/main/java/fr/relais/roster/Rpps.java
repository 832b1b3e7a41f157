package fr.relais.roster;

/**
 * The RPPS number (Répertoire partagé des professionnels de santé): 11 digits, the last one a
 * Luhn check digit over the first ten, as on the CPS card.
 */
final class Rpps {

    private Rpps() {}

    static boolean valid(String number) {
        if (number == null || !number.matches("[0-9]{11}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            int digit = number.charAt(10 - i) - '0';
            if (i % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }
}
