package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedLongAttribute;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes single-frame CT Image Storage objects as DICOM Part 10 files (Explicit VR Little Endian)
 * from plain header records and a {@code short[]} of stored pixel values.
 *
 * <p>The callers (the synthetic study generator, tests) never see PixelMed: they fill a
 * {@link SeriesHeader}, shared by every slice of a series, and a {@link SliceHeader} per slice.
 */
public final class CtImageWriter {

    public static final String CT_IMAGE_STORAGE = SOPClass.CTImageStorage;
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = TransferSyntax.ExplicitVRLittleEndian;

    /** Our own implementation identity in the File Meta Information (a 2.25 UUID-derived UID). */
    public static final String IMPLEMENTATION_CLASS_UID = Uids.IMPLEMENTATION_CLASS_UID;
    public static final String IMPLEMENTATION_VERSION_NAME = Uids.IMPLEMENTATION_VERSION;

    static final String CHARACTER_SET = "ISO_IR 100";
    // In PixelMed's dictionary but missing from its TagFromName constants.
    private static final AttributeTag SCAN_OPTIONS = new AttributeTag(0x0018, 0x0022);
    private static final AttributeTag KVP = new AttributeTag(0x0018, 0x0060);
    private static final AttributeTag GANTRY_DETECTOR_TILT = new AttributeTag(0x0018, 0x1120);
    private static final AttributeTag X_RAY_TUBE_CURRENT = new AttributeTag(0x0018, 0x1151);
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss.SSS", Locale.ROOT);

    /** What every slice of one CT series shares: patient, study, series, equipment and image geometry. */
    public record SeriesHeader(
            String patientName,
            String patientId,
            LocalDate patientBirthDate,
            String patientSex,
            String studyInstanceUid,
            LocalDateTime studyDateTime,
            String studyId,
            String accessionNumber,
            String studyDescription,
            String referringPhysicianName,
            String seriesInstanceUid,
            int seriesNumber,
            LocalDateTime seriesDateTime,
            String seriesDescription,
            String bodyPartExamined,
            String protocolName,
            String manufacturer,
            String manufacturerModelName,
            String stationName,
            String institutionName,
            String softwareVersions,
            String frameOfReferenceUid,
            int rows,
            int columns,
            double pixelSpacingMm,
            double sliceThicknessMm,
            double rescaleIntercept,
            double rescaleSlope,
            double windowCenter,
            double windowWidth,
            double kvp,
            int xRayTubeCurrentMa,
            String convolutionKernel,
            String imageComments) {

        public SeriesHeader {
            Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
            Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
            Objects.requireNonNull(frameOfReferenceUid, "frameOfReferenceUid");
            Objects.requireNonNull(studyDateTime, "studyDateTime");
            Objects.requireNonNull(seriesDateTime, "seriesDateTime");
            if (rows <= 0 || columns <= 0) {
                throw new IllegalArgumentException("rows and columns must be positive, got " + rows + "x" + columns);
            }
        }
    }

    /** What changes from one slice to the next. Positions are in the patient coordinate system, in mm. */
    public record SliceHeader(
            String sopInstanceUid,
            int instanceNumber,
            double imagePositionX,
            double imagePositionY,
            double imagePositionZ,
            double sliceLocation,
            LocalDateTime acquisitionDateTime,
            LocalDateTime contentDateTime) {

        public SliceHeader {
            Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
            Objects.requireNonNull(acquisitionDateTime, "acquisitionDateTime");
            Objects.requireNonNull(contentDateTime, "contentDateTime");
        }
    }

    private CtImageWriter() {
    }

    /**
     * Writes one slice to {@code file}, through a temporary file in the same folder and an atomic
     * rename, so that a folder watcher never sees half an object.
     *
     * @param pixels stored values, row by row, {@code rows * columns} of them; the modality LUT
     *               (intercept, slope) of the series header turns them into Hounsfield units
     */
    public static void write(SeriesHeader series, SliceHeader slice, short[] pixels, Path file) {
        if (pixels.length != series.rows() * series.columns()) {
            throw new IllegalArgumentException("expected " + series.rows() * series.columns()
                    + " pixels for " + series.rows() + "x" + series.columns() + ", got " + pixels.length);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            AttributeList list = dataset(series, slice, pixels);
            addFileMetaInformation(list, slice.sopInstanceUid());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                list.write(out, EXPLICIT_VR_LITTLE_ENDIAN, true, false);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not write " + file, e);
        } catch (DicomException e) {
            deleteQuietly(tmp);
            throw new IllegalStateException("could not encode CT image " + slice.sopInstanceUid(), e);
        }
    }

    private static AttributeList dataset(SeriesHeader s, SliceHeader i, short[] pixels) throws DicomException {
        Dataset d = new Dataset();
        // SOP common
        d.put(TagFromName.SpecificCharacterSet, CHARACTER_SET);
        d.put(TagFromName.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        d.put(TagFromName.SOPClassUID, CT_IMAGE_STORAGE);
        d.put(TagFromName.SOPInstanceUID, i.sopInstanceUid());
        d.put(TagFromName.InstanceCreationDate, date(i.contentDateTime()));
        d.put(TagFromName.InstanceCreationTime, time(i.contentDateTime()));
        // general study
        d.put(TagFromName.StudyDate, date(s.studyDateTime()));
        d.put(TagFromName.StudyTime, time(s.studyDateTime()));
        d.put(TagFromName.StudyInstanceUID, s.studyInstanceUid());
        d.put(TagFromName.StudyID, s.studyId());
        d.put(TagFromName.AccessionNumber, s.accessionNumber());
        d.put(TagFromName.StudyDescription, s.studyDescription());
        d.put(TagFromName.ReferringPhysicianName, s.referringPhysicianName());
        // general series
        d.put(TagFromName.SeriesDate, date(s.seriesDateTime()));
        d.put(TagFromName.SeriesTime, time(s.seriesDateTime()));
        d.put(TagFromName.AcquisitionDate, date(i.acquisitionDateTime()));
        d.put(TagFromName.AcquisitionTime, time(i.acquisitionDateTime()));
        d.put(TagFromName.ContentDate, date(i.contentDateTime()));
        d.put(TagFromName.ContentTime, time(i.contentDateTime()));
        d.put(TagFromName.Modality, "CT");
        d.put(TagFromName.SeriesInstanceUID, s.seriesInstanceUid());
        d.put(TagFromName.SeriesNumber, Integer.toString(s.seriesNumber()));
        d.put(TagFromName.SeriesDescription, s.seriesDescription());
        d.put(TagFromName.ProtocolName, s.protocolName());
        d.put(TagFromName.BodyPartExamined, s.bodyPartExamined());
        d.put(TagFromName.PatientPosition, "HFS");
        // general equipment
        d.put(TagFromName.Manufacturer, s.manufacturer());
        d.put(TagFromName.InstitutionName, s.institutionName());
        d.put(TagFromName.StationName, s.stationName());
        d.put(TagFromName.ManufacturerModelName, s.manufacturerModelName());
        d.put(TagFromName.SoftwareVersions, s.softwareVersions());
        // patient
        d.put(TagFromName.PatientName, s.patientName());
        d.put(TagFromName.PatientID, s.patientId());
        d.put(TagFromName.PatientBirthDate, s.patientBirthDate() == null ? null : DA.format(s.patientBirthDate()));
        d.put(TagFromName.PatientSex, s.patientSex());
        d.put(TagFromName.PatientAge, age(s.patientBirthDate(), s.studyDateTime().toLocalDate()));
        // frame of reference
        d.put(TagFromName.FrameOfReferenceUID, s.frameOfReferenceUid());
        d.put(TagFromName.PositionReferenceIndicator, (String) null);
        // CT image, image plane, image pixel
        d.put(SCAN_OPTIONS, "HELICAL MODE");
        d.put(TagFromName.SliceThickness, decimal(s.sliceThicknessMm()));
        d.put(KVP, decimal(s.kvp()));
        d.put(TagFromName.ReconstructionDiameter, decimal(s.pixelSpacingMm() * Math.max(s.rows(), s.columns())));
        d.put(GANTRY_DETECTOR_TILT, "0");
        d.put(X_RAY_TUBE_CURRENT, Integer.toString(s.xRayTubeCurrentMa()));
        d.put(TagFromName.ConvolutionKernel, s.convolutionKernel());
        d.put(TagFromName.AcquisitionNumber, "1");
        d.put(TagFromName.InstanceNumber, Integer.toString(i.instanceNumber()));
        d.put(TagFromName.ImagePositionPatient,
                decimal(i.imagePositionX()), decimal(i.imagePositionY()), decimal(i.imagePositionZ()));
        d.put(TagFromName.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
        d.put(TagFromName.SliceLocation, decimal(i.sliceLocation()));
        d.put(TagFromName.ImageComments, s.imageComments());
        d.put(TagFromName.SamplesPerPixel, 1);
        d.put(TagFromName.PhotometricInterpretation, "MONOCHROME2");
        d.put(TagFromName.Rows, s.rows());
        d.put(TagFromName.Columns, s.columns());
        d.put(TagFromName.PixelSpacing, decimal(s.pixelSpacingMm()), decimal(s.pixelSpacingMm()));
        d.put(TagFromName.BitsAllocated, 16);
        d.put(TagFromName.BitsStored, 16);
        d.put(TagFromName.HighBit, 15);
        d.put(TagFromName.PixelRepresentation, 1);
        d.put(TagFromName.BurnedInAnnotation, "NO");
        d.put(TagFromName.WindowCenter, decimal(s.windowCenter()));
        d.put(TagFromName.WindowWidth, decimal(s.windowWidth()));
        d.put(TagFromName.RescaleIntercept, decimal(s.rescaleIntercept()));
        d.put(TagFromName.RescaleSlope, decimal(s.rescaleSlope()));
        d.put(TagFromName.RescaleType, "HU");
        d.put(TagFromName.WindowCenterWidthExplanation, "BRAIN");

        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        d.list.put(pixelData);
        return d.list;
    }

    /**
     * PixelMed's own helper stamps PixelMed's implementation class UID; we build group 0002 by hand
     * so that receivers see who wrote the file.
     */
    private static void addFileMetaInformation(AttributeList list, String sopInstanceUid) throws DicomException {
        Dataset meta = new Dataset();
        OtherByteAttribute version = new OtherByteAttribute(TagFromName.FileMetaInformationVersion);
        version.setValues(new byte[] {0x00, 0x01});
        meta.list.put(version);
        meta.put(TagFromName.MediaStorageSOPClassUID, CT_IMAGE_STORAGE);
        meta.put(TagFromName.MediaStorageSOPInstanceUID, sopInstanceUid);
        meta.put(TagFromName.TransferSyntaxUID, EXPLICIT_VR_LITTLE_ENDIAN);
        meta.put(TagFromName.ImplementationClassUID, IMPLEMENTATION_CLASS_UID);
        meta.put(TagFromName.ImplementationVersionName, IMPLEMENTATION_VERSION_NAME);

        // Group length = the encoded size of the other group 0002 elements, all in Explicit VR LE.
        long groupLength = 12 + 2                                    // OB: tag, VR, reserved, 32-bit length
                + uidElementLength(CT_IMAGE_STORAGE)
                + uidElementLength(sopInstanceUid)
                + uidElementLength(EXPLICIT_VR_LITTLE_ENDIAN)
                + uidElementLength(IMPLEMENTATION_CLASS_UID)
                + 8 + even(IMPLEMENTATION_VERSION_NAME.length());
        UnsignedLongAttribute length = new UnsignedLongAttribute(TagFromName.FileMetaInformationGroupLength);
        length.addValue(groupLength);
        meta.list.put(length);
        list.putAll(meta.list);
    }

    private static int uidElementLength(String uid) {
        return 8 + even(uid.getBytes(StandardCharsets.US_ASCII).length);
    }

    private static int even(int n) {
        return n + (n & 1);
    }

    private static String date(LocalDateTime t) {
        return DA.format(t);
    }

    private static String time(LocalDateTime t) {
        return TM.format(t.toLocalTime().truncatedTo(ChronoUnit.MILLIS));
    }

    /** DICOM AS: nnnY, or months/weeks/days for infants. */
    static String age(LocalDate birth, LocalDate on) {
        if (birth == null || on.isBefore(birth)) {
            return null;
        }
        Period p = Period.between(birth, on);
        if (p.getYears() >= 2) {
            return String.format(Locale.ROOT, "%03dY", Math.min(p.getYears(), 999));
        }
        long months = p.toTotalMonths();
        if (months >= 1) {
            return String.format(Locale.ROOT, "%03dM", months);
        }
        return String.format(Locale.ROOT, "%03dD", p.getDays());
    }

    /**
     * DS allows 16 characters: the shortest exact decimal when it fits (0.44921875 for 230/512, so
     * that positions computed from the spacing agree with it), else as many decimals as fit.
     */
    static String decimal(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a DS value: " + v);
        }
        BigDecimal d = BigDecimal.valueOf(v);
        for (int scale = Math.max(d.scale(), 0); scale >= 0; scale--) {
            String s = d.setScale(scale, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
            if (s.equals("-0")) {
                s = "0";
            }
            if (s.length() <= 16) {
                return s;
            }
        }
        throw new IllegalArgumentException("decimal value too long for DS: " + v);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the original failure is the one worth reporting
        }
    }

    /** Attributes get their VR from PixelMed's dictionary; absent values become empty (type 2) attributes. Shared with {@link EncapsulatedPdf}. */
    static final class Dataset {
        private static final SpecificCharacterSet CHARSET = new SpecificCharacterSet(new String[] {CHARACTER_SET});
        final AttributeList list = new AttributeList();

        void put(AttributeTag tag, String... values) throws DicomException {
            Attribute a = list.putNewAttribute(tag, CHARSET);
            for (String v : values) {
                if (v != null && !v.isEmpty()) {
                    a.addValue(v);
                }
            }
        }

        void put(AttributeTag tag, int value) throws DicomException {
            list.putNewAttribute(tag).addValue(value);
        }
    }
}
