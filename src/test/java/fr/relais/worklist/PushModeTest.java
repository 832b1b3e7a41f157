package fr.relais.worklist;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worklist's settings bind from relais.worklist.* with the defaults of ARCHITECTURE.md. */
class PushModeTest {

    private static WorklistSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("relais.worklist", WorklistSettings.class);
    }

    @Test
    void defaultsArePullWithTheArchitectureTargets() {
        WorklistSettings settings = bind(Map.of());
        assertThat(settings.mode()).isEqualTo(WorklistSettings.Mode.PULL);
        assertThat(settings.targets()).isEqualTo(WorklistPolicy.Targets.DEFAULTS);
        assertThat(settings.claimIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void pushModeAndTargetsAreDeploymentSettings() {
        WorklistSettings settings = bind(Map.of("relais.worklist.mode", "push",
                "relais.worklist.vital-target", "5m", "relais.worklist.claim-idle-timeout", "15m"));
        assertThat(settings.mode()).isEqualTo(WorklistSettings.Mode.PUSH);
        assertThat(settings.targets().vital()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.claimIdleTimeout()).isEqualTo(Duration.ofMinutes(15));
    }
}
