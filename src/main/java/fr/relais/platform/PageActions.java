package fr.relais.platform;

import org.springframework.context.MessageSource;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Locale;

/**
 * Buttons of server-rendered pages that post and redirect (post/redirect/get): the outcome travels
 * as a flash attribute, {@code notice} (a message code) or {@code failure} (words), shown by
 * the layout's flash fragment.
 */
public final class PageActions {

    private PageActions() {}

    /** Runs the action: the notice when it is done, the service's refusal in words when not. */
    public static boolean attempt(RedirectAttributes redirect, MessageSource messages, Locale locale,
                                  String notice, Runnable action) {
        try {
            action.run();
            redirect.addFlashAttribute("notice", notice);
            return true;
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
            return false;
        }
    }

    /** Shows a refusal found by the page itself. */
    public static void fail(RedirectAttributes redirect, MessageSource messages, Locale locale, String code,
                            Object... arguments) {
        redirect.addFlashAttribute("failure", messages.getMessage(code, arguments, locale));
    }

    /**
     * The message code of what is wrong with a free-text box, or null when it is fine:
     * {@code <prefix>.required} when blank, {@code <prefix>.tooLong} (argument: the limit) when too long.
     */
    public static String textRefusal(String text, int max, String prefix) {
        if (text == null || text.isBlank()) {
            return prefix + ".required";
        }
        if (text.strip().length() > max) {
            return prefix + ".tooLong";
        }
        return null;
    }
}
