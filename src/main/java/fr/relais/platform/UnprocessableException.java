package fr.relais.platform;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The request is understood but what it names cannot be processed (an image whose pixels do not decode): 422. */
@ResponseStatus(HttpStatus.UNPROCESSABLE_ENTITY)
public class UnprocessableException extends ProblemException {

    public UnprocessableException(String code, String defaultMessage, Object... arguments) {
        super(null, code, defaultMessage, arguments);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.UNPROCESSABLE_ENTITY;
    }
}
