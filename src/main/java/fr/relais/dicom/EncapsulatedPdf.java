package fr.relais.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A report as a DICOM Encapsulated PDF (PS3.3 A.45.1) in the study it reports on, so that the
 * hospital's PACS files it beside the images.
 */
public final class EncapsulatedPdf {

    public static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.104.1";

    /** Who and what the document is about, as the hospital named them. */
    public record Document(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                           String accessionNumber, String patientId, String familyName, String givenName,
                           LocalDate birthDate, String sex, LocalDateTime contentDateTime, String title, byte[] pdf) {}

    private EncapsulatedPdf() {}

    /** The data set (no file meta header) in explicit or implicit VR little endian. */
    public static byte[] dataSet(Document d, String transferSyntaxUid) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(d.pdf().length + 2048);
            attributes(d).write(out, transferSyntaxUid, false, false);
            return out.toByteArray();
        } catch (DicomException e) {
            throw new IllegalStateException("could not encode the encapsulated PDF " + d.sopInstanceUid(), e);
        }
    }

    private static AttributeList attributes(Document d) throws DicomException {
        String date = DateTimeFormatter.BASIC_ISO_DATE.format(d.contentDateTime());
        String time = DateTimeFormatter.ofPattern("HHmmss").format(d.contentDateTime());
        CtImageWriter.Dataset s = new CtImageWriter.Dataset();
        s.put(TagFromName.SpecificCharacterSet, CtImageWriter.CHARACTER_SET);
        s.put(TagFromName.SOPClassUID, SOP_CLASS);
        s.put(TagFromName.SOPInstanceUID, d.sopInstanceUid());
        s.put(TagFromName.InstanceCreationDate, date);
        s.put(TagFromName.InstanceCreationTime, time);
        // patient (as the request named him: the hospital's identity)
        s.put(TagFromName.PatientName, d.familyName() + "^" + d.givenName());
        s.put(TagFromName.PatientID, d.patientId());
        s.put(TagFromName.PatientBirthDate, d.birthDate() == null ? null : DateTimeFormatter.BASIC_ISO_DATE.format(d.birthDate()));
        s.put(TagFromName.PatientSex, d.sex());
        // general study: the study read, so the PACS files the report with its images
        s.put(TagFromName.StudyInstanceUID, d.studyInstanceUid());
        s.put(TagFromName.StudyDate);
        s.put(TagFromName.StudyTime);
        s.put(TagFromName.ReferringPhysicianName);
        s.put(TagFromName.StudyID);
        s.put(TagFromName.AccessionNumber, d.accessionNumber());
        // encapsulated document series
        s.put(TagFromName.Modality, "DOC");
        s.put(TagFromName.SeriesInstanceUID, d.seriesInstanceUid());
        s.put(TagFromName.SeriesNumber, 9001);
        // equipment
        s.put(TagFromName.Manufacturer, "Relais");
        s.put(TagFromName.ConversionType, "WSD");
        // encapsulated document
        s.put(TagFromName.InstanceNumber, 1);
        s.put(TagFromName.ContentDate, date);
        s.put(TagFromName.ContentTime, time);
        s.put(TagFromName.AcquisitionDateTime, date + time);
        s.put(TagFromName.BurnedInAnnotation, "YES");
        s.put(TagFromName.DocumentTitle, d.title());
        s.list.put(new SequenceAttribute(TagFromName.ConceptNameCodeSequence));
        s.put(TagFromName.MIMETypeOfEncapsulatedDocument, "application/pdf");
        byte[] pdf = d.pdf().length % 2 == 0 ? d.pdf() : java.util.Arrays.copyOf(d.pdf(), d.pdf().length + 1);
        OtherByteAttribute document = new OtherByteAttribute(TagFromName.EncapsulatedDocument);
        document.setValues(pdf);
        s.list.put(document);
        return s.list;
    }
}
