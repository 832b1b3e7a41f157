package fr.relais.hospital;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A DICOM application entity title (PS3.5 §6.2, VR AE): 1 to 16 characters of the default
 * repertoire, no backslash, no control character, no significant leading or trailing space.
 * The message says which of these the value breaks.
 */
@Documented
@Constraint(validatedBy = AeTitleValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface AeTitle {
    String message() default "{hospital.aeTitle.invalid}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
