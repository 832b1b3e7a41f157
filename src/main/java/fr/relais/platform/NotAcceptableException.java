package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** None of the representations the client accepts can be given without transcoding: 406. */
@ResponseStatus(HttpStatus.NOT_ACCEPTABLE)
public class NotAcceptableException extends ProblemException {

    public NotAcceptableException(String code, String defaultMessage, Object... arguments) {
        super(null, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.NOT_ACCEPTABLE;
    }
}
