package fr.relais.security;

import fr.relais.platform.Actor;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.List;

/** Accounts, for administrators only. Passwords go in, never out. */
@RestController
@RequestMapping("/api/users")
@PreAuthorize("hasRole('ADMIN')")
class UserApiController {

    /** PATCH body: only the enabled flag changes for now. */
    record AccountChange(@NotNull(message = "{account.enabled.required}") Boolean enabled) {}

    private final AccountService accounts;
    private final LoginThrottle throttle;

    UserApiController(AccountService accounts, LoginThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    /** Who is being guessed at: names failed at over the last hour, the sources shut out, the locks. */
    @GetMapping("/login-failures")
    List<LoginThrottle.Target> loginFailures() {
        return throttle.targets();
    }

    /** Lifts a lock set by guessing from several sources, and forgets the account's failures. */
    @org.springframework.web.bind.annotation.DeleteMapping("/{id}/lock")
    ResponseEntity<Void> unlock(@PathVariable long id, Actor actor) {
        throttle.unlock(id, actor);
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    List<Account> list() {
        return accounts.list();
    }

    @GetMapping("/{id}")
    Account get(@PathVariable long id) {
        return accounts.get(id);
    }

    @PostMapping
    ResponseEntity<Account> create(@Valid @RequestBody NewAccount account, Actor actor, UriComponentsBuilder uri) {
        Account created = accounts.create(account, actor);
        return ResponseEntity.created(uri.path("/api/users/{id}").build(created.id())).body(created);
    }

    /** A lost phone: the account enrols a new second factor at its next login. */
    @org.springframework.web.bind.annotation.DeleteMapping("/{id}/second-factor")
    ResponseEntity<Void> resetSecondFactor(@PathVariable long id, Actor actor) {
        accounts.resetSecondFactor(id, actor);
        return ResponseEntity.noContent().build();
    }

    @PatchMapping("/{id}")
    Account change(@PathVariable long id, @Valid @RequestBody AccountChange change, Actor actor) {
        return accounts.setEnabled(id, change.enabled(), actor);
    }
}
