package fr.relais.platform;

import org.springframework.beans.BeanUtils;
import org.springframework.ui.Model;
import org.springframework.util.ClassUtils;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.BindingResult;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/** Helpers for server-rendered forms bound to request records. */
public final class FormErrors {

    private FormErrors() {}

    /** Shows a service's refusal on the form that caused it, next to the field at fault when there is one. */
    public static void reject(BindingResult result, ProblemException ex) {
        String field = ex instanceof InvalidInputException i ? i.field()
                : ex instanceof ConflictException c ? c.field() : null;
        if (field != null && result.getTarget() != null) {
            result.rejectValue(field, ex.code(), ex.getArguments(), ex.getDefaultMessage());
        } else {
            result.reject(ex.code(), ex.getArguments(), ex.getDefaultMessage());
        }
    }

    /**
     * Puts the form back in the model for display with its errors. When a value could not even be
     * converted (letters in a number field), Spring leaves the binding result without a target and
     * the template would fail: this puts the record back (as Spring passed it to the handler, or
     * rebuilt from the values that did convert); the failed values are shown from their errors.
     */
    public static <T extends Record> void keepForRedisplay(String name, Object form, BindingResult result,
                                                           Model model, Class<T> type) {
        if (result.getTarget() != null) {
            return;
        }
        Object rebuilt = type.isInstance(form) ? form : rebuild(result, type);
        BindingResult kept = new BeanPropertyBindingResult(rebuilt, name);
        kept.addAllErrors(result);
        model.addAttribute(name, rebuilt);
        model.addAttribute(BindingResult.MODEL_KEY_PREFIX + name, kept);
    }

    private static <T extends Record> T rebuild(BindingResult result, Class<T> type) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object value = result.getFieldError(components[i].getName()) == null
                    ? result.getFieldValue(components[i].getName()) : null;
            args[i] = value != null && ClassUtils.isAssignableValue(components[i].getType(), value) ? value : null;
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return BeanUtils.instantiateClass(ClassUtils.getConstructorIfAvailable(type, types), args);
    }
}
