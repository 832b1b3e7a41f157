package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A field is wrong in a way Bean Validation on the request record cannot see (it needs the
 * database, or two fields together): 400, reported like any other field error.
 */
@ResponseStatus(HttpStatus.BAD_REQUEST)
public class InvalidInputException extends ProblemException {

    public InvalidInputException(String field, String code, String defaultMessage, Object... arguments) {
        super(field, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.BAD_REQUEST;
    }
}
