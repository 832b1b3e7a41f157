package fr.relais.report;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/** relais.report.*: how old a login may be before signing asks for the password again. */
@ConfigurationProperties("relais.report")
public record ReportSettings(@DefaultValue("12h") Duration reauthenticateAfter) {}
