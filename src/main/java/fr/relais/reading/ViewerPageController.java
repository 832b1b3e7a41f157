package fr.relais.reading;

import fr.relais.ai.AiResults;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Zones;
import fr.relais.report.ReportService;
import fr.relais.security.RecentLogin;
import jakarta.servlet.http.HttpServletRequest;
import fr.relais.platform.Actor;
import fr.relais.platform.NotFoundException;
import fr.relais.reading.StudyAccess.ReadableExam;
import fr.relais.intake.StudyPatients;
import fr.relais.request.PatientIdentity;
import fr.relais.request.RequestService;
import fr.relais.request.RequestView;
import fr.relais.security.AccountPrincipal;
import fr.relais.security.Role;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;

/**
 * The reading screen: the viewer (web/viewer, served from /viewer/) on the exam's study, with the
 * patient and study overlay taken from the index, and room for the report on the right. Only who
 * may read the images ({@link StudyAccess}) opens it; anyone else gets the 404 page. Every opening
 * is audited.
 */
@Controller
class ViewerPageController {

    private final StudyAccess access;
    private final RequestService requests;
    private final AuditLog audit;
    private final Clock clock;
    private final ReportService reports;
    private final RecentLogin recentLogin;

    private final AiResults aiResults;
    private final StudyPatients patients;
    private final Zones zones;

    ViewerPageController(StudyAccess access, RequestService requests, AuditLog audit, Clock clock, ReportService reports,
                         RecentLogin recentLogin, AiResults aiResults, StudyPatients patients, Zones zones) {
        this.patients = patients;
        this.aiResults = aiResults;
        this.reports = reports;
        this.recentLogin = recentLogin;
        this.access = access;
        this.requests = requests;
        this.audit = audit;
        this.clock = clock;
        this.zones = zones;
    }

    /** What the overlay corners show; all strings, ready to print (null when unknown). */
    record Overlay(String patientName, String patientId, String sex, Integer ageYears, LocalDate birthDate,
                   String hospital, LocalDate studyDate, String examType, String accession) {}

    @GetMapping("/reading/exams/{examId}/viewer")
    String viewer(@PathVariable long examId, @AuthenticationPrincipal AccountPrincipal me, Actor actor, Model model,
                  HttpServletRequest http) {
        ReadableExam exam = access.readableExam(me, examId).orElseThrow(() -> {
            if (access.examExists(examId)) {
                audit.record(me.username(), "VIEWER_DENIED", "exam:" + examId, actor.source(),
                        AuditLog.Outcome.REJECTED, null);
            }
            return new NotFoundException("viewer.notFound", "Examen introuvable.");
        });
        audit.record(me.username(), "STUDY_OPENED", exam.studyId() == null ? "exam:" + examId : "study:" + exam.studyId(),
                actor.source(), AuditLog.Outcome.SUCCESS, "viewer, exam " + examId);
        model.addAttribute("exam", exam);
        model.addAttribute("overlay", overlay(exam, me, actor, model));
        model.addAttribute("aiFlags", aiResults.flagsOf(examId));
        model.addAttribute("aiFailures", aiResults.failuresOf(examId));
        // The author of a signed report looks again, read-only; only the holder's viewer tells the
        // worklist it is still reading, so that the claim does not time out.
        boolean lookingAgain = access.authorLookingAgain(me, examId);
        model.addAttribute("readOnly", lookingAgain);
        model.addAttribute("holder", me.role() == Role.RADIOLOGIST && !lookingAgain);
        // The report is written beside the images: the editor for the holder, the report as it stands for the others.
        // (A coordinator's viewer of an exam not reported yet has none.)
        try {
            model.addAttribute("reportEditor", reports.editor(examId, me, recentLogin.authenticatedAt(http), actor.source()));
        } catch (NotFoundException noReportYet) {
            model.addAttribute("reportEditor", null);
        }
        return "reading/viewer";
    }

    /**
     * The overlay names the patient the images name (their own header), never the request's in
     * their place; when the two differ (a coordinator confirmed it) the page shows both.
     */
    private Overlay overlay(ReadableExam exam, AccountPrincipal me, Actor actor, Model model) {
        RequestView r = requests.get(exam.examId(), me, actor.source());
        PatientIdentity asked = r.identity();
        PatientIdentity images = exam.studyId() == null ? asked
                : patients.ofStudy(exam.studyId()).map(StudyPatients.StudyPatient::identity).orElse(asked);
        List<String> differences = images.differencesFrom(asked);
        model.addAttribute("requestIdentity", differences.isEmpty() ? null : asked);
        model.addAttribute("identityDifferences", differences);
        LocalDate at = exam.studyDate() != null ? exam.studyDate()
                : LocalDate.ofInstant(clock.instant(), zones.hospital(exam.hospitalId()));
        Integer age = images.birthDate() == null ? null : Period.between(images.birthDate(), at).getYears();
        return new Overlay(images.displayName(), images.patientId(), images.sex(), age, images.birthDate(),
                r.hospitalName(), exam.studyDate(), r.examTypeLabel(), r.accessionNumber());
    }
}
