package fr.relais.hospital;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

public class AeTitleValidator implements ConstraintValidator<AeTitle, String> {

    static final int MAX_LENGTH = 16;

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = problem(value);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        HibernateConstraintValidatorContext hibernate = context.unwrap(HibernateConstraintValidatorContext.class);
        hibernate.addMessageParameter("value", printable(value));
        hibernate.addMessageParameter("length", value.length());
        hibernate.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }

    /** The message template for what is wrong with the title, or null when it is a valid AE title. */
    static String problem(String value) {
        if (value.isBlank()) {
            return "{hospital.aeTitle.blank}";
        }
        if (value.indexOf('\\') >= 0) {
            return "{hospital.aeTitle.backslash}";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "{hospital.aeTitle.character}";
            }
        }
        if (value.length() > MAX_LENGTH) {
            return "{hospital.aeTitle.tooLong}";
        }
        if (!value.equals(value.strip())) {
            return "{hospital.aeTitle.spaces}";
        }
        return null;
    }

    /** Control characters shown as \\uXXXX so that the message stays on one readable line. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
