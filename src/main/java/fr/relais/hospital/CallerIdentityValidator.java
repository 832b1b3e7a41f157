package fr.relais.hospital;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

public class CallerIdentityValidator implements ConstraintValidator<CallerIdentity, String> {

    private CallerIdentity.Kind kind;

    @Override
    public void initialize(CallerIdentity annotation) {
        kind = annotation.value();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = switch (kind) {
            case FINGERPRINT -> CertificateIdentity.fingerprint(value) == null ? "{hospital.certificate.fingerprint.invalid}" : null;
            case SUBJECT -> CertificateIdentity.subject(value) == null ? "{hospital.certificate.subject.invalid}" : null;
            case NETWORK -> Cidr.problem(value);
        };
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        HibernateConstraintValidatorContext hibernate = context.unwrap(HibernateConstraintValidatorContext.class);
        String shown = value.strip();
        hibernate.addMessageParameter("value", shown.length() > 200 ? shown.substring(0, 200) + "…" : shown);
        hibernate.addMessageParameter("length", shown.replace(":", "").length());
        if ("{hospital.network.hostBits}".equals(problem)) {
            hibernate.addMessageParameter("network", Cidr.networkOf(value));
        }
        hibernate.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }
}
