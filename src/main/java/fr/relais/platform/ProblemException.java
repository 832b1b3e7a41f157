package fr.relais.platform;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpStatus;

/**
 * A refusal the user can act on. It carries a message code (resolved in the request's locale
 * from i18n/messages) so that the JSON API and the pages word it alike.
 */
public abstract class ProblemException extends RuntimeException implements MessageSourceResolvable {

    private final String field;
    private final String code;
    private final transient Object[] arguments;

    protected ProblemException(String field, String code, String defaultMessage, Object... arguments) {
        super(defaultMessage);
        this.field = field;
        this.code = code;
        this.arguments = arguments;
    }

    public abstract HttpStatus status();

    /** The request field at fault, or null when the whole request is. */
    public String field() {
        return field;
    }

    public String code() {
        return code;
    }

    @Override
    public String[] getCodes() {
        return new String[] {code};
    }

    @Override
    public Object[] getArguments() {
        return arguments;
    }

    @Override
    public String getDefaultMessage() {
        return getMessage();
    }
}
