package fr.relais.hospital;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

import java.time.ZoneId;

public class TimeZoneIdValidator implements ConstraintValidator<TimeZoneId, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null || ZoneId.getAvailableZoneIds().contains(value)) {
            return true;
        }
        context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("value", value);
        return false;
    }
}
