package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The user is known and their role allows the request, but not now: a signature that needs the
 * password again, a password typed wrong. 403, with words saying what to do.
 */
@ResponseStatus(HttpStatus.FORBIDDEN)
public class ForbiddenException extends ProblemException {

    public ForbiddenException(String field, String code, String defaultMessage, Object... arguments) {
        super(field, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.FORBIDDEN;
    }
}
