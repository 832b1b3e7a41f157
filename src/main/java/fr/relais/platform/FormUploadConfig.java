package fr.relais.platform;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;

/**
 * File uploads from page forms (the scan of a signed consent). Spring Boot's multipart support
 * is off (application.yml) because STOW-RS reads its multipart/related bodies itself: this
 * resolver takes multipart/form-data only, and keeps every part in memory, since an upload is
 * patient data that must not touch the disk before it is encrypted.
 */
@Configuration(proxyBeanMethods = false)
class FormUploadConfig {

    /** A little above the 10 MB the consent page accepts, so that it can say so in words. */
    static final long MAX_UPLOAD_BYTES = 12L * 1024 * 1024;

    @Bean
    MultipartConfigElement multipartConfigElement() {
        // Threshold above the limit: parts never spill to a temporary file.
        return new MultipartConfigElement("", MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES + 64 * 1024,
                (int) MAX_UPLOAD_BYTES + 1);
    }

    @Bean
    MultipartResolver multipartResolver() {
        StandardServletMultipartResolver resolver = new StandardServletMultipartResolver();
        resolver.setStrictServletCompliance(true);
        // Parsed when a handler asks for its parts, not before dispatch: a malformed
        // multipart/form-data body sent to any other route (STOW-RS, the API) was a 500 there,
        // out of reach of the problem details (found by FuzzIT).
        resolver.setResolveLazily(true);
        return resolver;
    }
}
