package fr.relais.dicom;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an object's image pixel module (PS3.3 C.7.6.3) declares, and what its Pixel Data
 * (7FE0,0010) actually holds: read from the top-level elements and the pixel data's length or
 * items, never from the pixel values. {@link #problems} checks that the two agree, so that no later
 * reader sizes anything on a header the bytes do not back (a 1 × 1 image announcing 300 million
 * frames).
 *
 * <p>Integer attributes are null when absent and -1 when present but not one US value.
 *
 * @param pixelDataLength  bytes of the pixel data value (native), or the sum of its fragments (encapsulated)
 * @param fragments        fragments after the basic offset table (encapsulated only)
 * @param offsetTableLength bytes of the basic offset table item, -1 when there is none
 * @param extendedOffsetTableLength bytes of the Extended Offset Table (7FE0,0001), -1 when absent
 */
public record PixelModule(Integer samplesPerPixel, String photometricInterpretation, Integer rows, Integer columns,
                          Integer bitsAllocated, Integer bitsStored, Integer highBit, Integer planarConfiguration,
                          String numberOfFrames, boolean pixelData, boolean encapsulated, long pixelDataLength,
                          int fragments, long offsetTableLength, long extendedOffsetTableLength) {

    private static final Set<String> ONE_SAMPLE = Set.of("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR");
    private static final Set<String> THREE_SAMPLES = Set.of("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_422",
            "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT", "HSV", "XYB");
    private static final Set<String> FOUR_SAMPLES = Set.of("ARGB", "CMYK");

    /** The pixel module of a data set (no file meta header) in data[offset..end), checked as {@link DicomHeader#parse} does. */
    public static PixelModule of(String transferSyntaxUid, byte[] data, int offset, int end)
            throws DicomHeader.InvalidObjectException {
        return DataSetStructure.pixelModule(Bytes.of(data, end), offset, end, transferSyntaxUid);
    }

    /** The same, of a data set in data[offset..end) that may be too large for memory. */
    public static PixelModule of(String transferSyntaxUid, Bytes data, long offset, long end)
            throws DicomHeader.InvalidObjectException {
        return DataSetStructure.pixelModule(data, offset, end, transferSyntaxUid);
    }

    /**
     * Why an object of this class in this transfer syntax cannot be accepted, one reason per
     * violation, the most telling first; empty when its pixels are what its header says. Objects
     * without pixel data pass unless their class is an image's.
     */
    public List<String> problems(String sopClassUid, String transferSyntaxUid) {
        List<String> problems = new ArrayList<>();
        if (!pixelData) {
            if (Uids.isImageClass(sopClassUid)) {
                problems.add(Uids.className(sopClassUid) + " object has no Pixel Data (7FE0,0010)");
            }
            return problems;
        }
        boolean geometry = true;
        geometry &= checkSamples(problems);
        geometry &= positive(problems, "Rows", "0028,0010", rows, 65535);
        geometry &= positive(problems, "Columns", "0028,0011", columns, 65535);
        geometry &= checkBits(problems);
        checkPlanarConfiguration(problems);
        Long frames = frames(problems);
        boolean native_ = Uids.isUncompressed(transferSyntaxUid);
        if (native_ && encapsulated) {
            problems.add("Pixel Data is encapsulated but transfer syntax " + transferSyntaxUid + " is uncompressed");
        } else if (!native_ && !encapsulated) {
            problems.add("transfer syntax " + transferSyntaxUid + " is compressed but Pixel Data is not encapsulated");
        } else if (frames != null && native_) {
            checkNativeLength(problems, geometry, frames);
        } else if (frames != null) {
            checkFragments(problems, frames);
        }
        return problems;
    }

    /** {@link #problems} as one reason for the sender, or empty. */
    public Optional<String> problem(String sopClassUid, String transferSyntaxUid) {
        List<String> all = problems(sopClassUid, transferSyntaxUid);
        return all.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", all));
    }

    private boolean checkSamples(List<String> problems) {
        boolean ok = positive(problems, "SamplesPerPixel", "0028,0002", samplesPerPixel, 4);
        if (photometricInterpretation == null || photometricInterpretation.isEmpty()) {
            problems.add("PhotometricInterpretation (0028,0004) is missing");
            return ok;
        }
        int expected = ONE_SAMPLE.contains(photometricInterpretation) ? 1
                : THREE_SAMPLES.contains(photometricInterpretation) ? 3
                : FOUR_SAMPLES.contains(photometricInterpretation) ? 4 : 0;
        if (expected == 0) {
            problems.add("PhotometricInterpretation " + photometricInterpretation + " is not one of PS3.3 C.7.6.3.1.2");
        } else if (ok && samplesPerPixel != expected) {
            problems.add("PhotometricInterpretation " + photometricInterpretation + " needs " + expected
                    + " samples per pixel, not SamplesPerPixel " + samplesPerPixel);
            return false;
        }
        return ok;
    }

    private boolean checkBits(List<String> problems) {
        if (!present(problems, "BitsAllocated", "0028,0100", bitsAllocated)) {
            return false;
        }
        int allocated = bitsAllocated;
        boolean ok = allocated == 1 || allocated >= 8 && allocated <= 64 && allocated % 8 == 0;
        if (!ok) {
            problems.add("BitsAllocated " + allocated + " is not 1 or a multiple of 8 up to 64");
        }
        if (present(problems, "BitsStored", "0028,0101", bitsStored)) {
            if (bitsStored < 1 || bitsStored > allocated) {
                problems.add("BitsStored " + bitsStored + " is not 1 to BitsAllocated " + allocated);
            } else if (present(problems, "HighBit", "0028,0102", highBit) && highBit != bitsStored - 1) {
                problems.add("HighBit " + highBit + " is not BitsStored " + bitsStored + " - 1");
            }
        }
        return ok;
    }

    private void checkPlanarConfiguration(List<String> problems) {
        if (samplesPerPixel == null || samplesPerPixel <= 1) {
            return;
        }
        if (planarConfiguration == null) {
            problems.add("PlanarConfiguration (0028,0006) is missing for " + samplesPerPixel + " samples per pixel");
        } else if (planarConfiguration != 0 && planarConfiguration != 1) {
            problems.add("PlanarConfiguration " + planarConfiguration + " is not 0 or 1");
        }
    }

    /** The number of frames (1 when absent), or null when it is no number. */
    private Long frames(List<String> problems) {
        if (numberOfFrames == null) {
            return 1L;
        }
        String text = numberOfFrames.startsWith("+") ? numberOfFrames.substring(1) : numberOfFrames;
        if (!text.matches("[0-9]{1,10}") || Long.parseLong(text) < 1 || Long.parseLong(text) > Integer.MAX_VALUE) {
            problems.add("NumberOfFrames '" + numberOfFrames + "' is not a whole number from 1 to 2147483647");
            return null;
        }
        return Long.parseLong(text);
    }

    private void checkNativeLength(List<String> problems, boolean geometry, long frames) {
        if (!geometry) {
            // Each frame holds at least one byte: a count beyond the bytes is refused whatever the rest says.
            if (frames > pixelDataLength) {
                problems.add("NumberOfFrames " + frames + " does not fit the " + pixelDataLength + " bytes of Pixel Data");
            }
            return;
        }
        // At most 65535 × 65535 × 4 × 64 bits × 2^31 frames: beyond a long, hence the exact arithmetic.
        long bits;
        try {
            bits = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) rows * columns, samplesPerPixel),
                    bitsAllocated), frames);
        } catch (ArithmeticException e) {
            bits = Long.MAX_VALUE;
        }
        long expected = bits == Long.MAX_VALUE ? Long.MAX_VALUE : (bits + 7) / 8;
        boolean fits = pixelDataLength == expected || expected % 2 == 1 && pixelDataLength == expected + 1;
        if (!fits) {
            problems.add("Pixel Data has " + pixelDataLength + " bytes, not the "
                    + (expected == Long.MAX_VALUE ? "exabytes" : Long.toString(expected)) + " of Rows " + rows
                    + " x Columns " + columns + " x SamplesPerPixel " + samplesPerPixel + " x BitsAllocated "
                    + bitsAllocated + " x NumberOfFrames " + frames);
        }
    }

    private void checkFragments(List<String> problems, long frames) {
        if (fragments == 0) {
            problems.add("compressed Pixel Data has no fragment");
            return;
        }
        // A frame starts a fragment of its own and may span several: never more frames than fragments.
        if (frames > fragments) {
            problems.add("NumberOfFrames " + frames + " exceeds the " + fragments + " fragments of the compressed Pixel Data");
        }
        if (offsetTableLength > 0 && offsetTableLength != 4 * frames) {
            problems.add("basic offset table has " + offsetTableLength + " bytes, not 4 x NumberOfFrames " + frames);
        }
        if (extendedOffsetTableLength >= 0 && extendedOffsetTableLength != 8 * frames) {
            problems.add("Extended Offset Table has " + extendedOffsetTableLength + " bytes, not 8 x NumberOfFrames "
                    + frames);
        }
    }

    private static boolean present(List<String> problems, String name, String tag, Integer value) {
        if (value == null) {
            problems.add(name + " (" + tag + ") is missing");
            return false;
        }
        if (value < 0) {
            problems.add(name + " (" + tag + ") is not one US value");
            return false;
        }
        return true;
    }

    private static boolean positive(List<String> problems, String name, String tag, Integer value, int max) {
        if (!present(problems, name, tag, value)) {
            return false;
        }
        if (value < 1 || value > max) {
            problems.add(name + " " + value + " is not 1 to " + max);
            return false;
        }
        return true;
    }
}
