package fr.relais.worklist;

import fr.relais.security.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The common worklist over JSON: the queue (filtered or not), "next", picking, releasing, reassigning. */
@RestController
class WorklistApiController {

    record Reassign(@NotNull Long toUserId) {}

    private final WorklistService worklist;

    WorklistApiController(WorklistService worklist) {
        this.worklist = worklist;
    }

    /** Narrowed by ?hospital={id}&examType={code}&class={VITAL|AI_POSITIVE|URGENT|DEFERRABLE}, each optional. */
    @GetMapping("/api/worklist")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    List<WorklistRow> queue(@AuthenticationPrincipal AccountPrincipal user,
                            @RequestParam(name = "hospital", required = false) String hospital,
                            @RequestParam(name = "examType", required = false) String examType,
                            @RequestParam(name = "class", required = false) String priorityClass) {
        return worklist.queue(user, WorklistFilter.parse(hospital, examType, priorityClass));
    }

    @GetMapping("/api/worklist/mine")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    List<WorklistRow> mine(@AuthenticationPrincipal AccountPrincipal user) {
        return worklist.claimsOf(user.id());
    }

    @GetMapping("/api/worklist/all")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    List<WorklistRow> all(@RequestParam(name = "hospital", required = false) String hospital,
                          @RequestParam(name = "examType", required = false) String examType,
                          @RequestParam(name = "class", required = false) String priorityClass) {
        return worklist.everything(WorklistFilter.parse(hospital, examType, priorityClass));
    }

    @PostMapping("/api/worklist/next")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ResponseEntity<WorklistRow> next(@AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return worklist.claimNext(user, http.getRemoteAddr()).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/api/worklist/{examId}/claim")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    WorklistRow claim(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        return worklist.claim(examId, user, http.getRemoteAddr());
    }

    @PostMapping("/api/worklist/{examId}/release")
    @PreAuthorize("hasAnyRole('RADIOLOGIST', 'COORDINATOR', 'ADMIN')")
    ResponseEntity<Void> release(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user,
                                 HttpServletRequest http) {
        worklist.release(examId, user, http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/worklist/{examId}/activity")
    @PreAuthorize("hasRole('RADIOLOGIST')")
    ResponseEntity<Void> activity(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal user) {
        worklist.touch(examId, user);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/worklist/{examId}/reassign")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'ADMIN')")
    ResponseEntity<Void> reassign(@PathVariable long examId, @Valid @RequestBody Reassign to,
                                  @AuthenticationPrincipal AccountPrincipal user, HttpServletRequest http) {
        worklist.reassign(examId, to.toUserId(), user, http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }
}
