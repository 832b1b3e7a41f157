package fr.relais.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.ArrayList;
import java.util.List;

@Controller
class LoginController {

    /** An OpenID Connect provider offered on the login page. */
    record Provider(String id, String name) {}

    private final ObjectProvider<ClientRegistrationRepository> oidcProviders;

    LoginController(ObjectProvider<ClientRegistrationRepository> oidcProviders) {
        this.oidcProviders = oidcProviders;
    }

    @GetMapping("/login")
    String login(Authentication authentication, Model model) {
        boolean loggedIn = authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken) && !PendingSecondFactor.is(authentication);
        if (loggedIn) {
            return "redirect:/";
        }
        List<Provider> providers = new ArrayList<>();
        if (oidcProviders.getIfAvailable() instanceof Iterable<?> registrations) {
            for (Object r : registrations) {
                if (r instanceof ClientRegistration registration) {
                    providers.add(new Provider(registration.getRegistrationId(), registration.getClientName()));
                }
            }
        }
        model.addAttribute("providers", providers);
        return "login";
    }
}
