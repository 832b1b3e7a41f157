package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * What the index needs of a received object, read from its header (the pixels are not parsed):
 * the keys it searches by, and the instance's DICOM JSON metadata that DICOMweb answers from
 * ({@link DicomWeb#indexedMetadata}).
 */
public record DicomHeader(
        String sopClassUid, String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid,
        String patientId, String patientName, String patientBirthDate, String patientSex,
        String accessionNumber, String studyDate, String studyDescription,
        String modality, String seriesNumber, String seriesDescription, String instanceNumber,
        String metadata) {

    /** An object we cannot index, with the reason to give its sender. */
    public static class InvalidObjectException extends Exception {
        public InvalidObjectException(String reason) {
            super(reason);
        }
    }

    /** Parses a data set (no file meta header) in the given transfer syntax. */
    public static DicomHeader parse(String transferSyntaxUid, byte[] data, int length) throws InvalidObjectException {
        DataSetStructure.verify(data, 0, length, transferSyntaxUid);
        AttributeList list = new AttributeList();
        try {
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(data, 0, length), transferSyntaxUid, false);
            list.read(in, TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new InvalidObjectException("data set cannot be parsed (truncated or corrupt)");
        }
        return from(list);
    }

    /**
     * Parses the data set in data[offset..end) of an object too large to hold in memory, whose
     * structure the caller has proven ({@link PixelModule#of(String, Bytes, long, long)} walks it):
     * the parser reads up to the pixel data only.
     */
    public static DicomHeader parseVerified(String transferSyntaxUid, Bytes data, long offset, long end)
            throws InvalidObjectException {
        AttributeList list = new AttributeList();
        try {
            DicomInputStream in = new DicomInputStream(data.inputStream(offset, end), transferSyntaxUid, false);
            list.read(in, TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new InvalidObjectException("data set cannot be parsed (truncated or corrupt)");
        }
        return from(list);
    }

    /** Parses a Part 10 object in memory or read by range (its pixels are not read). */
    public static DicomHeader parseFile(Bytes file) throws InvalidObjectException {
        byte[] meta = Part10.head(file);
        int offset;
        try {
            offset = Part10.dataSetOffset(meta);
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectException("not a DICOM Part 10 file (no DICM preamble)");
        }
        if (offset < 144 || offset > file.length()) {
            throw new InvalidObjectException("DICOM file is truncated inside its meta header");
        }
        String transferSyntax = Part10.transferSyntax(meta);
        DataSetStructure.verify(file, offset, file.length(), transferSyntax);
        return parseVerified(transferSyntax, file, offset, file.length());
    }

    /** Parses a Part 10 file's bytes (meta header included), as STOW-RS receives them. */
    public static DicomHeader parseFile(byte[] file) throws InvalidObjectException {
        int offset;
        try {
            offset = Part10.dataSetOffset(file);
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectException("not a DICOM Part 10 file (no DICM preamble)");
        }
        if (offset > file.length) {
            throw new InvalidObjectException("DICOM file is truncated inside its meta header");
        }
        DataSetStructure.verify(file, offset, file.length, Part10.transferSyntax(file));
        AttributeList list = new AttributeList();
        try {
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(file));
            if (!in.haveMetaHeader()) {
                throw new InvalidObjectException("not a DICOM Part 10 file (no DICM preamble)");
            }
            list.read(in, TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new InvalidObjectException("DICOM file cannot be parsed (truncated or corrupt)");
        }
        return from(list);
    }

    private static DicomHeader from(AttributeList l) throws InvalidObjectException {
        DicomHeader h = new DicomHeader(
                s(l, TagFromName.SOPClassUID), s(l, TagFromName.SOPInstanceUID),
                s(l, TagFromName.StudyInstanceUID), s(l, TagFromName.SeriesInstanceUID),
                s(l, TagFromName.PatientID), s(l, TagFromName.PatientName), s(l, TagFromName.PatientBirthDate),
                s(l, TagFromName.PatientSex), s(l, TagFromName.AccessionNumber), s(l, TagFromName.StudyDate),
                s(l, TagFromName.StudyDescription), s(l, TagFromName.Modality), s(l, TagFromName.SeriesNumber),
                s(l, TagFromName.SeriesDescription), s(l, TagFromName.InstanceNumber),
                DicomWeb.indexedMetadata(l));
        h.requireUid("SOP class UID", h.sopClassUid);
        h.requireUid("SOP instance UID", h.sopInstanceUid);
        h.requireUid("study instance UID", h.studyInstanceUid);
        h.requireUid("series instance UID", h.seriesInstanceUid);
        return h;
    }

    private void requireUid(String what, String value) throws InvalidObjectException {
        if (value.isEmpty()) {
            throw new InvalidObjectException(what + " is missing");
        }
        if (!Uids.isValidUid(value)) {
            throw new InvalidObjectException(what + " is not a valid UID");
        }
    }

    private static String s(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
