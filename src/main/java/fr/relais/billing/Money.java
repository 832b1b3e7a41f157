package fr.relais.billing;

import fr.relais.platform.InvalidInputException;
import org.springframework.stereotype.Component;

/**
 * Euro cents as a French invoice writes them: 1 234,56 €. Integers all the way, no floating point.
 * Pages call it as {@code @billingMoney.euros(cents)}.
 */
@Component("billingMoney")
public final class Money {

    Money() {}

    /**
     * "1200", "1 200,50" or "1200.5" euros → cents, exactly (digits, never a double); blank → null.
     * A minus sign is refused with its own message.
     */
    static Long cents(String field, String euros) {
        if (euros == null || euros.isBlank()) {
            return null;
        }
        String s = euros.replace(" ", "").replace("\u00A0", "").replace("\u202F", "").replace("€", "").strip();
        if (s.startsWith("-")) {
            throw new InvalidInputException(field, "billing.amount.negative", "an amount cannot be negative");
        }
        java.util.regex.Matcher m = AMOUNT.matcher(s);
        if (!m.matches()) {
            throw new InvalidInputException(field, "billing.amount.invalid", "give an amount in euros, e.g. 1200,50");
        }
        String decimals = m.group(2) == null ? "00" : (m.group(2) + "0").substring(0, 2);
        return Long.parseLong(m.group(1)) * 100 + Long.parseLong(decimals);
    }

    private static final java.util.regex.Pattern AMOUNT = java.util.regex.Pattern.compile("([0-9]{1,10})(?:[.,]([0-9]{1,2}))?");

    /** The same for the pages' expressions, which call beans' instance methods. */
    public String format(long cents) {
        return euros(cents);
    }

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
