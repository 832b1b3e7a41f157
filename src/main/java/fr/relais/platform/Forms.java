package fr.relais.platform;

import org.springframework.beans.BeanUtils;
import org.springframework.ui.Model;
import org.springframework.util.ClassUtils;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.BindingResult;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.function.Consumer;

/** Server-rendered forms bound to request records: the one way pages submit and show errors. */
public final class Forms {

    private Forms() {}

    /**
     * Runs the action on a valid form. When the form has errors, or the service refuses it, leaves
     * the errors on the form for redisplay and returns false; the page then shows the form again.
     *
     * @param name the model attribute of the form (the {@code @ModelAttribute} name)
     */
    public static <T extends Record> boolean submit(String name, T form, BindingResult result, Model model,
                                                    Class<T> type, Consumer<T> action) {
        if (result.hasErrors()) {
            keepForRedisplay(name, form, result, model, type);
            return false;
        }
        try {
            action.accept(form);
            return true;
        } catch (ProblemException refused) {
            reject(result, refused);
            return false;
        }
    }

    /** Shows a service's refusal on the form that caused it, next to the field at fault when there is one. */
    public static void reject(BindingResult result, ProblemException ex) {
        if (ex.field() != null && result.getTarget() != null) {
            result.rejectValue(ex.field(), ex.code(), ex.getArguments(), ex.getDefaultMessage());
        } else {
            result.reject(ex.code(), ex.getArguments(), ex.getDefaultMessage());
        }
    }

    /**
     * When a value could not even be converted (letters in a number field), Spring leaves the
     * binding result without a target and the template would fail: this puts the record back (as
     * Spring passed it to the handler, or rebuilt from the values that did convert); the failed
     * values are shown from their errors.
     */
    private static <T extends Record> void keepForRedisplay(String name, T form, BindingResult result,
                                                            Model model, Class<T> type) {
        if (result.getTarget() != null) {
            return;
        }
        T rebuilt = form != null ? form : rebuild(result, type);
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
