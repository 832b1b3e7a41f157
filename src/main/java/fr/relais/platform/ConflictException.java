package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The request is well formed but clashes with what is stored (a taken AE title, a hospital with studies): 409. */
@ResponseStatus(HttpStatus.CONFLICT)
public class ConflictException extends ProblemException {

    public ConflictException(String field, String code, String defaultMessage, Object... arguments) {
        super(field, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.CONFLICT;
    }
}
