package fr.relais.platform;

import org.springframework.validation.BindingResult;

/** Shows a service's refusal on the form that caused it, next to the field at fault when there is one. */
public final class FormErrors {

    private FormErrors() {}

    public static void reject(BindingResult result, ProblemException ex) {
        String field = ex instanceof InvalidInputException i ? i.field()
                : ex instanceof ConflictException c ? c.field() : null;
        if (field != null && result.getTarget() != null) {
            result.rejectValue(field, ex.code(), ex.getArguments(), ex.getDefaultMessage());
        } else {
            result.reject(ex.code(), ex.getArguments(), ex.getDefaultMessage());
        }
    }
}
