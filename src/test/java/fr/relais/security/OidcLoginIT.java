package fr.relais.security;

import fr.relais.BaseIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a person coming back from the OpenID Connect provider is in Relais: an enabled account, or nobody. */
class OidcLoginIT extends BaseIntegrationTest {

    @Autowired
    OidcLogin oidc;

    private static OidcUser person(Map<String, Object> claims) {
        Map<String, Object> all = new LinkedHashMap<>(Map.of("sub", "psc-subject-1", "iss", "https://auth.esw.esante.gouv.fr"));
        all.putAll(claims);
        OidcIdToken token = new OidcIdToken("id-token", Instant.now(), Instant.now().plusSeconds(60), all);
        return new DefaultOidcUser(List.of(), token);
    }

    @Test
    void theUsernameClaimNamesAnEnabledAccount() {
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        assertThat(oidc.account(person(Map.of("preferred_username", radiologist.username().toUpperCase()))))
                .hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(radiologist.id()));
    }

    @Test
    void nobodyGetsInWithoutAnAccountOrWithADisabledOne() {
        TestAccount disabled = createAccount(Role.COORDINATOR, null);
        assertThat(admin().patch("/api/users/" + disabled.id(), Map.of("enabled", false)).status()).isEqualTo(200);

        assertThat(oidc.account(person(Map.of("preferred_username", "nobody-" + unique("x").replace(' ', '-'))))).isEmpty();
        assertThat(oidc.account(person(Map.of("preferred_username", disabled.username())))).isEmpty();
        assertThat(oidc.account(person(Map.of()))).isEmpty();
        assertThat(oidc.account(person(Map.of("preferred_username", "x".repeat(65))))).isEmpty();
        assertThat(oidc.account(person(Map.of("preferred_username", 42)))).isEmpty();
    }
}
