package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a DICOM file back for tests outside this package, which may not touch PixelMed
 * themselves. Attributes are named by their DICOM keyword ("PatientID", "ImagePositionPatient").
 */
public final class DicomTestReader {

    /** One parsed file: its header values as strings, and its stored pixel values. */
    public static final class Parsed {
        private final AttributeList list;

        private Parsed(AttributeList list) {
            this.list = list;
        }

        /** The single value, or "" when absent or empty. */
        public String get(String keyword) {
            return Attribute.getSingleStringValueOrEmptyString(list, tag(keyword));
        }

        /** All values of a multi-valued attribute; empty when absent. */
        public String[] getAll(String keyword) {
            String[] values = Attribute.getStringValues(list, tag(keyword));
            return values == null ? new String[0] : values;
        }

        public double[] getDoubles(String keyword) {
            String[] s = getAll(keyword);
            double[] d = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                d[i] = Double.parseDouble(s[i].trim());
            }
            return d;
        }

        public boolean has(String keyword) {
            return list.get(tag(keyword)) != null;
        }

        public short[] pixels() {
            try {
                return list.get(TagFromName.PixelData).getShortValues();
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private DicomTestReader() {
    }

    public static Parsed read(Path file) {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile());
        } catch (IOException | DicomException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return new Parsed(list);
    }

    private static AttributeTag tag(String keyword) {
        AttributeTag t = DicomDictionary.StandardDictionary.getTagFromName(keyword);
        if (t == null) {
            throw new IllegalArgumentException("unknown DICOM keyword " + keyword);
        }
        return t;
    }
}
