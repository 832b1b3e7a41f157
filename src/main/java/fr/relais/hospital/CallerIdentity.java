package fr.relais.hospital;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A value that identifies a hospital on the network: a client certificate's SHA-256 fingerprint, a
 * certificate subject, or a source network. The message says what is wrong with it.
 */
@Documented
@Constraint(validatedBy = CallerIdentityValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface CallerIdentity {

    enum Kind { FINGERPRINT, SUBJECT, NETWORK }

    Kind value();

    String message() default "{hospital.identity.invalid}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
