package fr.relais.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
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

import java.time.Clock;
import fr.relais.audit.AuditLog;
import fr.relais.audit.RefusedAttempts;
import org.springframework.http.HttpMethod;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

/**
 * Two doors. Machines (API, DICOMweb, FHIR) authenticate every request with HTTP Basic and get
 * problem details; people log in through a form and keep a session with CSRF protection.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfig {

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * What pages may load: our own scripts (the viewer's codecs are WebAssembly, its decoders
     * module workers), images from us or drawn in the page (the QR code is a data: URI), no frame
     * around us, forms posting only to us.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
            + "worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
            + "form-action 'self'";

    /** Logged in with every factor the role needs: not anonymous, no second factor pending. */
    private static final AuthorizationManager<RequestAuthorizationContext> FULLY_AUTHENTICATED = (authentication, context) -> {
        Authentication who = authentication.get();
        return new AuthorizationDecision(who != null && who.isAuthenticated()
                && !(who instanceof AnonymousAuthenticationToken) && !PendingSecondFactor.is(who));
    };

    /**
     * Credentials sent with a request (HTTP Basic) authenticate that request only: were they kept
     * in the session the request rides, a password would turn a login half done, or another
     * account's session, into a whole login.
     */
    private static final RequestAttributeSecurityContextRepository BASIC_IS_PER_REQUEST =
            new RequestAttributeSecurityContextRepository();

    /** The same headers on every answer, pages and API alike. */
    private static void securityHeaders(HttpSecurity http) throws Exception {
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .frameOptions(frames -> frames.deny())
                .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", "camera=(), microphone=(), geolocation=()")));
    }

    @Bean
    static PasswordEncoder passwordEncoder() {
        return new VerifiedPasswordCache(new BCryptPasswordEncoder());
    }

    @Bean
    SecondFactorApiGuard secondFactorApiGuard(SecondFactor secondFactor, LoginThrottle throttle, AuditLog audit,
                                              ApiSecurityProblems problems, Clock clock) {
        return new SecondFactorApiGuard(secondFactor, throttle, audit, problems, clock);
    }

    /** The guard runs inside both chains, not as a servlet filter of its own. */
    @Bean
    FilterRegistrationBean<SecondFactorApiGuard> secondFactorGuardNotAServletFilter(
            SecondFactorApiGuard guard) {
        FilterRegistrationBean<SecondFactorApiGuard> registration =
                new FilterRegistrationBean<>(guard);
        registration.setEnabled(false);
        return registration;
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
    SecurityFilterChain apiChain(HttpSecurity http, ApiSecurityProblems problems, SessionRegistry sessionRegistry,
                                 ApiTokens tokens, SecondFactorApiGuard secondFactorGuard, RefusedAttempts refusals,
                                 AuditLog audit) throws Exception {
        securityHeaders(http);
        String admin = Role.ADMIN.name();
        String coordinator = Role.COORDINATOR.name();
        http.securityMatcher("/api/**", "/dicomweb/**", "/fhir/**")
                // The administration's routes are refused to other roles by their path, before a
                // body is even read (method security, on the controllers too, runs after it).
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/users/**", "/api/tokens/**", "/api/audit/**", "/api/retention/**",
                                "/api/storage/**", "/api/ai/engines/**").hasRole(admin)
                        .requestMatchers(HttpMethod.GET, "/api/hospitals/**", "/api/centers/**", "/api/radiologists/**",
                                "/api/exam-types/**").hasAnyRole(admin, coordinator)
                        .requestMatchers("/api/hospitals/**", "/api/centers/**", "/api/radiologists/**",
                                "/api/exam-types/**").hasRole(admin)
                        .requestMatchers("/api/unmatched/**", "/api/worklist/all", "/api/worklist/*/reassign")
                        .hasAnyRole(admin, coordinator)
                        .requestMatchers("/api/billing/acts", "/api/billing/acts.csv", "/api/billing/invoices/**",
                                "/api/billing/subscriptions/**").hasAnyRole(admin, Role.BILLING.name())
                        .anyRequest().access(FULLY_AUTHENTICATED))
                .addFilterBefore(new ApiTokenFilter(tokens, problems, refusals, audit), BasicAuthenticationFilter.class)
                .addFilterAfter(secondFactorGuard, BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.realmName(ApiSecurityProblems.REALM).authenticationEntryPoint(problems)
                        .securityContextRepository(BASIC_IS_PER_REQUEST))
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
    SecurityFilterChain pageChain(HttpSecurity http, SessionRegistry sessionRegistry, RecentLogin recentLogin,
                                  SecondFactor secondFactor, SecondFactorApiGuard secondFactorGuard, OidcLogin oidcLogin,
                                  ObjectProvider<ClientRegistrationRepository> oidcProviders) throws Exception {
        // As defaultSuccessUrl("/", false) would, and the login's time kept for acts that need a recent one.
        SavedRequestAwareAuthenticationSuccessHandler toPage = new SavedRequestAwareAuthenticationSuccessHandler();
        toPage.setDefaultTargetUrl("/");
        // The roles that need a second factor get a pending login and the code page first.
        AuthenticationSuccessHandler loggedIn = (request, response, authentication) -> {
            if (authentication.getPrincipal() instanceof AccountPrincipal who && secondFactor.requiredFor(who.role())) {
                SessionLogins.establish(new PendingSecondFactor(who), request, response);
                response.sendRedirect(request.getContextPath() + SecondFactorController.PATH);
                return;
            }
            recentLogin.recordLogin(request);
            toPage.onAuthenticationSuccess(request, response, authentication);
        };
        AccessDeniedHandler forbidden = new AccessDeniedHandlerImpl();
        securityHeaders(http);
        if (oidcProviders.getIfAvailable() != null) {
            http.oauth2Login(oidc -> oidc.loginPage("/login").failureUrl("/login?error")
                    .successHandler(oidcLogin.successHandler(toPage)));
        }
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/error", "/css/**", "/js/**", "/favicon.ico").permitAll()
                        .requestMatchers(SecondFactorController.PATH).hasAuthority(PendingSecondFactor.AUTHORITY)
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus").hasRole(Role.ADMIN.name())
                        .requestMatchers("/admin/**").hasRole(Role.ADMIN.name())
                        .anyRequest().access(FULLY_AUTHENTICATED))
                .formLogin(form -> form.loginPage("/login").successHandler(loggedIn).failureHandler(
                        (request, response, refused) -> response.sendRedirect(request.getContextPath()
                                + (refused instanceof LoginThrottledException throttled ? throttled.loginPage() : "/login?error"))))
                // Pages too: no password-only Basic for people with a second factor (metrics aside).
                .addFilterAfter(secondFactorGuard, BasicAuthenticationFilter.class)
                // Lets a metrics scraper send credentials with each request; anyone without them
                // (a browser, or curl without an Accept header) is sent to the login page.
                .httpBasic(basic -> basic.realmName(ApiSecurityProblems.REALM).securityContextRepository(BASIC_IS_PER_REQUEST))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
                        .accessDeniedHandler((request, response, denied) -> {
                            if (PendingSecondFactor.is(SecurityContextHolder.getContext().getAuthentication())) {
                                response.sendRedirect(request.getContextPath() + SecondFactorController.PATH);
                            } else {
                                forbidden.handle(request, response, denied);
                            }
                        }))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                // Known sessions, so that disabling an account also ends its open sessions.
                .sessionManagement(session -> session.maximumSessions(-1)
                        .sessionRegistry(sessionRegistry).expiredUrl("/login?expired"));
        return http.build();
    }
}
