package fr.relais.worklist;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/** relais.worklist.*: the class targets, the idle timeout of a claim, and pull or push dispatch. */
@ConfigurationProperties("relais.worklist")
public record WorklistSettings(
        @DefaultValue("10m") Duration vitalTarget,
        @DefaultValue("15m") Duration aiPositiveTarget,
        @DefaultValue("30m") Duration urgentTarget,
        @DefaultValue("60m") Duration deferrableTarget,
        @DefaultValue("10m") Duration claimIdleTimeout,
        @DefaultValue("2m") Duration claimWarningBefore,
        @DefaultValue("PULL") Mode mode) {

    public enum Mode { PULL, PUSH }

    public WorklistPolicy.Targets targets() {
        return new WorklistPolicy.Targets(vitalTarget, aiPositiveTarget, urgentTarget, deferrableTarget);
    }
}
