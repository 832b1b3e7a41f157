package fr.relais.ai;

import fr.relais.platform.ProblemException;
import org.springframework.http.HttpStatus;

/** A result posted without the token of an enabled engine: 401, and nothing is recorded. */
class EngineUnauthorizedException extends ProblemException {

    EngineUnauthorizedException() {
        super(null, "ai.engine.unauthorized",
                "Send the engine's own token: Authorization: Bearer <token>. This one belongs to no enabled engine.");
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.UNAUTHORIZED;
    }
}
