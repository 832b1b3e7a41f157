package fr.relais.billing;

/** Euro cents as a French invoice writes them: 1 234,56 €. Integers all the way, no floating point. */
final class Money {

    private Money() {}

    static String euros(long cents) {
        String sign = cents < 0 ? "-" : "";
        long abs = Math.abs(cents);
        StringBuilder units = new StringBuilder(Long.toString(abs / 100));
        for (int i = units.length() - 3; i > 0; i -= 3) {
            units.insert(i, ' ');
        }
        return sign + units + "," + String.format("%02d", abs % 100) + " €";
    }
}
