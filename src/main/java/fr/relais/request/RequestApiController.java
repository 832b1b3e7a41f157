package fr.relais.request;

import fr.relais.exam.ExamState;
import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The request workflow over JSON, for hospital information systems as much as for scripts: the
 * same service, checks and audit as the pages.
 */
@RestController
class RequestApiController {

    record Text(@NotBlank String text) {}

    record Attach(@NotNull Long requestId) {}

    private final RequestService requests;
    private final UnmatchedStudies unmatched;

    RequestApiController(RequestService requests, UnmatchedStudies unmatched) {
        this.requests = requests;
        this.unmatched = unmatched;
    }

    @PostMapping("/api/requests")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    ResponseEntity<RequestView> file(@Valid @RequestBody NewRequest request, @AuthenticationPrincipal AccountPrincipal user,
                                     HttpServletRequest http, UriComponentsBuilder uri) {
        RequestView filed = requests.file(request, user, http.getRemoteAddr());
        return ResponseEntity.created(uri.path("/api/requests/{id}").build(filed.id())).body(filed);
    }

    @GetMapping("/api/requests")
    List<RequestView> list(@RequestParam(required = false) Set<ExamState> state,
                           @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.list(user, state == null ? EnumSet.noneOf(ExamState.class) : state, http.getRemoteAddr());
    }

    @GetMapping("/api/requests/{id}")
    RequestView get(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.read(id, user, http.getRemoteAddr());
    }

    @GetMapping("/api/requests/{id}/messages")
    List<RequestMessage> messages(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal user) {
        return requests.messages(id, user);
    }

    @PostMapping("/api/requests/{id}/cancel")
    @PreAuthorize("hasAnyRole('HOSPITAL_PHYSICIAN', 'COORDINATOR', 'ADMIN')")
    RequestView cancel(@PathVariable long id, @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.cancel(id, user, http.getRemoteAddr());
    }

    @PostMapping("/api/requests/{id}/consent")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    RequestView consent(@PathVariable long id, @Valid @RequestBody ConsentUpdate update,
                        @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.recordConsent(id, update, user, http.getRemoteAddr());
    }

    /** The scan of the signed form, as the raw body: application/pdf, image/jpeg or image/png. */
    @PutMapping("/api/requests/{id}/consent/document")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    ResponseEntity<Void> consentDocument(@PathVariable long id, @RequestHeader("Content-Type") String contentType,
                                         @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http)
            throws java.io.IOException {
        byte[] body = http.getInputStream().readNBytes((10 << 20) + 1);
        requests.attachConsentDocument(id, contentType, body, user, http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/requests/{id}/answer")
    @PreAuthorize("hasRole('HOSPITAL_PHYSICIAN')")
    RequestView answer(@PathVariable long id, @Valid @RequestBody Text message,
                       @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.answer(id, message.text(), user, http.getRemoteAddr());
    }

    @GetMapping("/api/justification-queue")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    List<RequestView> queue(@AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.justificationQueue(user, http.getRemoteAddr());
    }

    @PostMapping("/api/requests/{id}/accept")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    RequestView accept(@PathVariable long id, @Valid @RequestBody Text protocol,
                       @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.accept(id, protocol.text(), user, http.getRemoteAddr());
    }

    @PostMapping("/api/requests/{id}/ask")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    RequestView ask(@PathVariable long id, @Valid @RequestBody Text message,
                    @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.askForInformation(id, message.text(), user, http.getRemoteAddr());
    }

    @PostMapping("/api/requests/{id}/refuse")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    RequestView refuse(@PathVariable long id, @Valid @RequestBody Text reason,
                       @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return requests.refuse(id, reason.text(), user, http.getRemoteAddr());
    }

    @GetMapping("/api/protocols")
    List<Protocol> protocols(@RequestParam String examType) {
        return requests.protocols(examType);
    }

    @GetMapping("/api/unmatched")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    List<UnmatchedStudy> unmatched(@AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return unmatched.list(user, http.getRemoteAddr());
    }

    @GetMapping("/api/mismatches")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    List<IdentityMismatch> mismatches(@AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return unmatched.mismatches(user, http.getRemoteAddr());
    }

    @PostMapping("/api/mismatches/{examId}/confirm")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    RequestView confirmIdentity(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                                HttpServletRequest http) {
        return unmatched.confirmIdentity(examId, user, http.getRemoteAddr());
    }

    @PostMapping("/api/mismatches/{examId}/detach")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    UnmatchedStudy detach(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                          HttpServletRequest http) {
        return unmatched.detach(examId, user, http.getRemoteAddr());
    }

    @PostMapping("/api/unmatched/{examId}/attach")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    RequestView attach(@PathVariable long examId, @Valid @RequestBody Attach attach,
                       @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return unmatched.attach(examId, attach.requestId(), user, http.getRemoteAddr());
    }

    @PostMapping("/api/unmatched/{examId}/reject")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    ResponseEntity<Void> reject(@PathVariable long examId, @Valid @RequestBody Text reason,
                                @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        unmatched.reject(examId, reason.text(), user, http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }
}
