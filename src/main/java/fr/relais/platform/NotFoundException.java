package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The object named in the request does not exist: 404. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class NotFoundException extends ProblemException {

    public NotFoundException(String code, String defaultMessage, Object... arguments) {
        super(null, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.NOT_FOUND;
    }
}
