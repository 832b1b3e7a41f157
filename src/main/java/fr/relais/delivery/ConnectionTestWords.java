package fr.relais.delivery;

import org.springframework.context.MessageSource;

import java.util.Locale;

/** A connection test's result as the operator reads it, in words: who answered, or why nothing did. */
final class ConnectionTestWords {

    private ConnectionTestWords() {}

    static String of(Destination destination, DeliveryService.ConnectionTest result, MessageSource messages, Locale locale) {
        if (result.answered()) {
            return messages.getMessage("destination.test.ok",
                    new Object[] {destination.label(), result.detail(), String.valueOf(result.millis())}, locale);
        }
        String why = messages.getMessage("destination.test." + result.trouble().name(),
                new Object[] {destination.host(), String.valueOf(destination.port()), result.detail()}, locale);
        return messages.getMessage("destination.test.failed", new Object[] {destination.label(), why}, locale);
    }
}
