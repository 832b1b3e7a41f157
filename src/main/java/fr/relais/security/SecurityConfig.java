package fr.relais.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Two doors. Machines (API, DICOMweb, FHIR) authenticate every request with HTTP Basic and get
 * problem details; people log in through a form and keep a session with CSRF protection.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfig {

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Bean
    static PasswordEncoder passwordEncoder() {
        return new VerifiedPasswordCache(new BCryptPasswordEncoder());
    }

    @Bean
    SessionRegistry sessionRegistry() {
        return new SessionRegistryImpl();
    }

    /** Tells the session registry when the servlet container drops a session. */
    @Bean
    static HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    @Bean
    ApiSecurityProblems apiSecurityProblems(ObjectMapper json, MessageSource messages, LocaleResolver locales) {
        return new ApiSecurityProblems(json, messages, locales);
    }

    /**
     * AI engines post their results with their own bearer token, which the AI feature checks
     * (hashed in ai_engine): no account, no session, no CSRF (no cookie is ever involved).
     */
    @Bean
    @Order(0)
    SecurityFilterChain engineChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/api/ai/results")
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiChain(HttpSecurity http, ApiSecurityProblems problems, SessionRegistry sessionRegistry)
            throws Exception {
        http.securityMatcher("/api/**", "/dicomweb/**", "/fhir/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .httpBasic(basic -> basic.realmName(ApiSecurityProblems.REALM).authenticationEntryPoint(problems))
                // The pages' own scripts (the viewer, the report editor) call the API with the
                // session of the person logged in; machines send credentials each time and never
                // get a session.
                .securityContext(context -> context.securityContextRepository(new DelegatingSecurityContextRepository(
                        new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository())))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.NEVER)
                        .maximumSessions(-1).sessionRegistry(sessionRegistry)
                        .expiredSessionStrategy(event -> problems.commence(event.getRequest(), event.getResponse(), null)))
                // A request that rides a session cookie could be forged by another site: it needs
                // the page's CSRF token to change anything. Machine clients send no cookie.
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(request -> request.getRequestedSessionId() != null
                        && !SAFE_METHODS.contains(request.getMethod())))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pageChain(HttpSecurity http, SessionRegistry sessionRegistry, RecentLogin recentLogin)
            throws Exception {
        // As defaultSuccessUrl("/", false) would, and the login's time kept for acts that need a recent one.
        SavedRequestAwareAuthenticationSuccessHandler toPage = new SavedRequestAwareAuthenticationSuccessHandler();
        toPage.setDefaultTargetUrl("/");
        AuthenticationSuccessHandler loggedIn = (request, response, authentication) -> {
            recentLogin.recordLogin(request);
            toPage.onAuthenticationSuccess(request, response, authentication);
        };
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/error", "/css/**", "/js/**", "/favicon.ico").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus").hasRole(Role.ADMIN.name())
                        .requestMatchers("/admin/**").hasRole(Role.ADMIN.name())
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").successHandler(loggedIn).failureUrl("/login?error"))
                // Lets a metrics scraper send credentials with each request; anyone without them
                // (a browser, or curl without an Accept header) is sent to the login page.
                .httpBasic(basic -> basic.realmName(ApiSecurityProblems.REALM))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                // Known sessions, so that disabling an account also ends its open sessions.
                .sessionManagement(session -> session.maximumSessions(-1)
                        .sessionRegistry(sessionRegistry).expiredUrl("/login?expired"));
        return http.build();
    }
}
