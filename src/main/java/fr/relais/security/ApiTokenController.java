package fr.relais.security;

import fr.relais.hospital.HospitalService;
import fr.relais.platform.Actor;
import fr.relais.platform.ProblemException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.MessageSource;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** API tokens of hospital systems, for administrators: the JSON API and the page. */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class ApiTokenController {

    record NewToken(@NotNull(message = "{token.hospital.required}") Long hospitalId,
                    @NotNull(message = "{token.role.invalid}") Role role,
                    String name, Instant expiresAt) {}

    private final ApiTokens tokens;
    private final HospitalService hospitals;
    private final MessageSource messages;

    ApiTokenController(ApiTokens tokens, HospitalService hospitals, MessageSource messages) {
        this.tokens = tokens;
        this.hospitals = hospitals;
        this.messages = messages;
    }

    @GetMapping("/api/tokens")
    @ResponseBody
    List<ApiTokens.Token> list() {
        return tokens.list();
    }

    /** The answer is the only place the secret ever appears. */
    @PostMapping("/api/tokens")
    @ResponseBody
    ResponseEntity<ApiTokens.Created> create(@Valid @RequestBody NewToken token, Actor actor, UriComponentsBuilder uri) {
        ApiTokens.Created created = tokens.create(token.hospitalId(), token.role(), token.name(), token.expiresAt(), actor);
        return ResponseEntity.created(uri.path("/api/tokens/{id}").build(created.token().id())).body(created);
    }

    @GetMapping("/api/tokens/{id}")
    @ResponseBody
    ApiTokens.Token get(@PathVariable long id) {
        return tokens.get(id);
    }

    @PostMapping("/api/tokens/{id}/revoke")
    @ResponseBody
    ApiTokens.Token revoke(@PathVariable long id, Actor actor) {
        return tokens.revoke(id, actor);
    }

    @GetMapping("/admin/tokens")
    String page(Model model) {
        model.addAttribute("tokens", tokens.list());
        model.addAttribute("hospitals", hospitals.list());
        model.addAttribute("roles", List.of(Role.HOSPITAL_PHYSICIAN, Role.HOSPITAL_TECHNOLOGIST));
        return "admin/tokens";
    }

    @PostMapping("/admin/tokens")
    String createFromPage(@RequestParam(required = false) Long hospitalId, @RequestParam(required = false) Role role,
                          @RequestParam(defaultValue = "") String name, Actor actor, Locale locale,
                          RedirectAttributes redirect) {
        try {
            if (hospitalId == null) {
                throw new fr.relais.platform.InvalidInputException("hospitalId", "token.hospital.required", "A hospital is needed");
            }
            ApiTokens.Created created = tokens.create(hospitalId, role, name, null, actor);
            redirect.addFlashAttribute("createdSecret", created.secret());
            redirect.addFlashAttribute("notice", "token.created");
            redirect.addFlashAttribute("noticeArg", created.token().name());
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/tokens";
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    String revokeFromPage(@PathVariable long id, Actor actor, Locale locale, RedirectAttributes redirect) {
        try {
            redirect.addFlashAttribute("noticeArg", tokens.revoke(id, actor).name());
            redirect.addFlashAttribute("notice", "token.revoked.done");
        } catch (ProblemException refused) {
            redirect.addFlashAttribute("failure", messages.getMessage(refused, locale));
        }
        return "redirect:/admin/tokens";
    }
}
