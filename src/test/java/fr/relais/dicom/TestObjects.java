package fr.relais.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test data sets derived from generated files: whole, truncated, or missing a UID. */
public final class TestObjects {

    private TestObjects() {}

    /** The data set of a Part 10 file, without its meta header: what C-STORE carries. */
    public static byte[] dataSet(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int offset = Part10.dataSetOffset(bytes);
        byte[] data = new byte[bytes.length - offset];
        System.arraycopy(bytes, offset, data, 0, data.length);
        return data;
    }

    public static String sopInstanceUid(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString(), TagFromName.PixelData);
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
    }

    /** The same data set claiming another SOP class. */
    public static byte[] withSopClass(Path file, String sopClassUid) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString());
        list.replaceWithValueIfPresent(TagFromName.SOPClassUID, sopClassUid);
        return write(list);
    }

    /** The same data set with the study instance UID removed. */
    public static byte[] withoutStudyUid(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString());
        list.remove(TagFromName.StudyInstanceUID);
        return write(list);
    }

    private static byte[] write(AttributeList list) throws Exception {
        list.removeMetaInformationHeaderAttributes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, false, true);
        return out.toByteArray();
    }
}
