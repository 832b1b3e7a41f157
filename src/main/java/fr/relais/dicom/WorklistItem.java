package fr.relais.dicom;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One scheduled procedure step as the Modality Worklist returns it (PS3.4 K.6.1.2.2): the
 * patient, the request (accession number, requested procedure, study instance UID to use) and
 * the step (modality, stations, start, protocol). patientName is a DICOM PN ("FAMILY^Given");
 * stationAeTitles holds the stations the step may be performed on, the one asking first.
 * reference names the item for the audit trail (an exam id), never sent.
 */
public record WorklistItem(String reference, String patientId, String patientName, LocalDate birthDate, String sex,
                           String accessionNumber, String studyInstanceUid, String requestedProcedureId,
                           String requestedProcedureDescription, String priority, String referringPhysician,
                           String modality, List<String> stationAeTitles, LocalDateTime start, String stepId,
                           String stepDescription) {

    public WorklistItem {
        stationAeTitles = List.copyOf(stationAeTitles);
    }
}
