package fr.relais.ai;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * relais.ai.*: whether READY exams go to the engines, how many analyses run at once (the
 * reference detector takes a core for a few seconds per study), how long one may take, and how
 * long after start the exams whose dispatch a stop interrupted are looked for.
 */
@ConfigurationProperties("relais.ai")
public record AiSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int workers,
        @DefaultValue("2m") Duration timeout,
        @DefaultValue("30s") Duration catchUpAfter) {}
