package fr.relais.report;

import fr.relais.platform.Actor;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.RecentLogin;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.List;

/**
 * The report over JSON: read, save the draft, sign, add an addendum, document a call; the open
 * callback tasks for coordinators. The editor's autosave uses the same handler from the page
 * (session and CSRF token) at /reading/exams/{examId}/report/draft.
 */
@RestController
class ReportApiController {

    record AddendumText(String text) {}

    private final ReportService reports;
    private final ReportText text;
    private final RecentLogin recentLogin;
    private final CriticalResults critical;

    ReportApiController(ReportService reports, ReportText text, RecentLogin recentLogin, CriticalResults critical) {
        this.reports = reports;
        this.critical = critical;
        this.text = text;
        this.recentLogin = recentLogin;
    }

    @GetMapping("/api/exams/{examId}/report")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN', 'HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST')")
    ReportView get(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return reports.get(examId, user, http.getRemoteAddr());
    }

    /** The signed report as a French plain-text document (the PDF comes with delivery). */
    @GetMapping("/api/exams/{examId}/report/text")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN', 'HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST')")
    ResponseEntity<String> document(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                                    HttpServletRequest http) {
        return text.download(reports.document(examId, user, http.getRemoteAddr()));
    }

    @PutMapping({"/api/exams/{examId}/report", "/reading/exams/{examId}/report/draft"})
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ReportView save(@PathVariable long examId, @RequestBody DraftUpdate draft,
                    @AuthenticationPrincipal AccountPrincipal user) {
        return reports.saveDraft(examId, draft, user);
    }

    @PostMapping("/api/exams/{examId}/report/sign")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ReportView sign(@PathVariable long examId, @RequestBody SignRequest request,
                    @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return reports.sign(examId, request, user, recentLogin.authenticatedAt(http), http.getRemoteAddr());
    }

    @PostMapping("/api/exams/{examId}/report/addenda")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ResponseEntity<Addendum> addendum(@PathVariable long examId, @RequestBody AddendumText body,
                                      @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http,
                                      UriComponentsBuilder uri) {
        Addendum added = reports.addAddendum(examId, body.text(), user, http.getRemoteAddr());
        return ResponseEntity.created(uri.path("/api/exams/{examId}/report").build(examId)).body(added);
    }

    @PostMapping("/api/exams/{examId}/report/callbacks")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    ResponseEntity<Callback> callback(@PathVariable long examId, @RequestBody CallbackDetails call,
                                      @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http,
                                      UriComponentsBuilder uri) {
        Callback recorded = reports.recordCallback(examId, call, user, http.getRemoteAddr());
        return ResponseEntity.created(uri.path("/api/exams/{examId}/report").build(examId)).body(recorded);
    }

    /** A person of the requesting hospital has read the critical result (its first acknowledgement stays). */
    @PostMapping("/api/exams/{examId}/report/critical-acknowledgement")
    @PreAuthorize("hasAnyRole('HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST')")
    CriticalResults.Acknowledgement acknowledge(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                                                Actor actor) {
        return critical.acknowledge(examId, user, actor);
    }

    /** Critical results nobody of their hospital has acknowledged yet, oldest first: the coordinators call. */
    @GetMapping("/api/critical-results/unacknowledged")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    List<CriticalResults.Unacknowledged> unacknowledged() {
        return critical.unacknowledged();
    }

    @GetMapping("/api/callback-tasks")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    List<OpenCallbackTask> openTasks(@AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return reports.openCallbackTasks(user, http.getRemoteAddr());
    }
}
