package fr.relais.billing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** CSV as French spreadsheets open it: semicolons, CRLF, UTF-8 with its byte order mark. */
final class Csv {

    private final StringBuilder out = new StringBuilder("\uFEFF");

    Csv row(Object... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(';');
            }
            out.append(cell(cells[i]));
        }
        out.append("\r\n");
        return this;
    }

    Csv rows(List<Object[]> rows) {
        rows.forEach(this::row);
        return this;
    }

    byte[] bytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String cell(Object value) {
        String s = value == null ? "" : value.toString();
        // A leading = + - @ would be a formula to the spreadsheet: quote it as text.
        boolean formula = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0;
        if (formula || s.contains(";") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + (formula ? "'" : "") + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
