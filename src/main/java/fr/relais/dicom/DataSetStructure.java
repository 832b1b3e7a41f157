package fr.relais.dicom;

import fr.relais.dicom.DicomHeader.InvalidObjectException;

/**
 * Walks the elements of a little endian data set without decoding values, to prove that every
 * length fits: a truncated object must not pass for a short one. Costs microseconds, since the
 * pixel data is skipped, not read.
 */
final class DataSetStructure {

    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int MAX_DEPTH = 32;

    private final Bytes b;
    private final long limit;
    private final boolean explicitVr;
    /** What {@link #image} collects of the top-level elements on the way. */
    private int rows, columns, bitsAllocated, samplesPerPixel = 1, frameCount = 1;
    private long pixelStart = -1, pixelEnd = -1;
    private boolean encapsulated;
    /** The rest of the image pixel module, for {@link PixelModule}: null when absent, -1 when not one US value. */
    private Integer samplesValue, rowsValue, columnsValue, bitsAllocatedValue, bitsStoredValue, highBitValue,
            planarValue;
    private String photometric, numberOfFrames;
    private long extendedOffsetTableLength = -1;

    private DataSetStructure(Bytes b, long limit, boolean explicitVr) {
        this.b = b;
        this.limit = limit;
        this.explicitVr = explicitVr;
    }

    /** Checks data[offset..end): the data set, without any file meta header. */
    static void verify(byte[] data, int offset, int end, String transferSyntaxUid) throws InvalidObjectException {
        walk(Bytes.of(data, end), offset, end, transferSyntaxUid);
    }

    static void verify(Bytes data, long offset, long end, String transferSyntaxUid) throws InvalidObjectException {
        walk(data, offset, end, transferSyntaxUid);
    }

    /** Checks data[offset..end) as {@link #verify} does, and says what its image pixel module declares. */
    static PixelModule pixelModule(Bytes data, long offset, long end, String transferSyntaxUid)
            throws InvalidObjectException {
        DataSetStructure w = walk(data, offset, end, transferSyntaxUid);
        if (w.pixelStart < 0) {
            return new PixelModule(w.samplesValue, w.photometric, w.rowsValue, w.columnsValue, w.bitsAllocatedValue,
                    w.bitsStoredValue, w.highBitValue, w.planarValue, w.numberOfFrames, false, false, 0, 0, -1,
                    w.extendedOffsetTableLength);
        }
        if (!w.encapsulated) {
            return new PixelModule(w.samplesValue, w.photometric, w.rowsValue, w.columnsValue, w.bitsAllocatedValue,
                    w.bitsStoredValue, w.highBitValue, w.planarValue, w.numberOfFrames, true, false,
                    w.pixelEnd - w.pixelStart, 0, -1, w.extendedOffsetTableLength);
        }
        // Items of encapsulated pixel data (PS3.5 A.4): the basic offset table, then the fragments.
        long pos = w.pixelStart;
        long table = -1;
        int fragments = 0;
        long bytes = 0;
        while (pos + 8 <= w.pixelEnd && data.u16(pos) == 0xFFFE && data.u16(pos + 2) == 0xE000) {
            long length = data.u32(pos + 4);
            if (length == UNDEFINED || pos + 8 + length > w.pixelEnd) {
                throw new InvalidObjectException("encapsulated Pixel Data holds an item that is not a fragment");
            }
            if (table < 0) {
                table = length;
            } else {
                fragments++;
                bytes += length;
            }
            pos += 8 + length;
        }
        return new PixelModule(w.samplesValue, w.photometric, w.rowsValue, w.columnsValue, w.bitsAllocatedValue,
                w.bitsStoredValue, w.highBitValue, w.planarValue, w.numberOfFrames, true, true, bytes, fragments,
                table, w.extendedOffsetTableLength);
    }

    private static DataSetStructure walk(Bytes data, long offset, long end, String transferSyntaxUid)
            throws InvalidObjectException {
        boolean explicit = !Uids.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntaxUid);
        DataSetStructure walker = new DataSetStructure(data, end, explicit);
        long reached = walker.elements(offset, 0, false);
        if (reached != end) {
            throw new InvalidObjectException("data set is truncated or malformed at byte " + reached);
        }
        return walker;
    }

    /**
     * Where the pixel data of a verified data set lies and how it cuts into frames, read from the
     * top-level elements in the same walk: no value is decoded but the five the geometry needs.
     */
    static PixelData image(Bytes data, long offset, long end, String transferSyntaxUid) throws InvalidObjectException {
        DataSetStructure walker = walk(data, offset, end, transferSyntaxUid);
        if (walker.pixelStart < 0) {
            throw new InvalidObjectException("object holds no pixel data");
        }
        return new PixelData(walker.rows, walker.columns, walker.bitsAllocated, walker.samplesPerPixel,
                walker.frameCount, walker.pixelStart, walker.pixelEnd, walker.encapsulated);
    }

    /** The geometry of an image and where its pixel data value lies (item headers included when encapsulated). */
    record PixelData(int rows, int columns, int bitsAllocated, int samplesPerPixel, int frameCount,
                     long start, long end, boolean encapsulated) {}

    private void topLevel(int group, int element, long value, long length) {
        if (group == 0x0028) {
            switch (element) {
                case 0x0002 -> {
                    samplesPerPixel = length == 2 ? u16(value) : samplesPerPixel;
                    samplesValue = us(value, length);
                }
                case 0x0004 -> photometric = text(value, length);
                case 0x0006 -> planarValue = us(value, length);
                case 0x0008 -> {
                    frameCount = integerString(value, length, frameCount);
                    numberOfFrames = text(value, length);
                }
                case 0x0010 -> {
                    rows = length == 2 ? u16(value) : rows;
                    rowsValue = us(value, length);
                }
                case 0x0011 -> {
                    columns = length == 2 ? u16(value) : columns;
                    columnsValue = us(value, length);
                }
                case 0x0100 -> {
                    bitsAllocated = length == 2 ? u16(value) : bitsAllocated;
                    bitsAllocatedValue = us(value, length);
                }
                case 0x0101 -> bitsStoredValue = us(value, length);
                case 0x0102 -> highBitValue = us(value, length);
                default -> { }
            }
        } else if (group == 0x7FE0 && element == 0x0001) {
            extendedOffsetTableLength = length == UNDEFINED ? -1 : length;
        } else if (group == 0x7FE0 && element == 0x0010) {
            pixelStart = value;
            encapsulated = length == UNDEFINED;
        }
    }

    private Integer us(long at, long length) {
        return length == 2 ? u16(at) : -1;
    }

    private String text(long at, long length) {
        if (length == UNDEFINED || length > 64) {
            return "";
        }
        return b.ascii(at, (int) length).replace("\0", " ").trim();
    }

    private int integerString(long at, long length, int fallback) {
        if (length == UNDEFINED || length > 64) {
            return fallback;
        }
        String text = b.ascii(at, (int) length).trim();
        return text.matches("[0-9]{1,9}") ? Integer.parseInt(text) : fallback;
    }

    /** Returns the position after the elements (after the item delimiter when inItem). */
    private long elements(long pos, int depth, boolean inItem) throws InvalidObjectException {
        while (pos < limit) {
            need(pos, 8);
            int group = u16(pos);
            int element = u16(pos + 2);
            if (group == 0xFFFE) {
                if (inItem && element == 0xE00D) {
                    return pos + 8;
                }
                throw malformed(pos);
            }
            long length;
            int header;
            if (explicitVr) {
                String vr = b.ascii(pos + 4, 2);
                if (longVr(vr)) {
                    need(pos, 12);
                    length = u32(pos + 8);
                    header = 12;
                } else if (vr.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                    length = u16(pos + 6);
                    header = 8;
                } else {
                    throw malformed(pos);
                }
            } else {
                length = u32(pos + 4);
                header = 8;
            }
            pos += header;
            if (length != UNDEFINED) {
                need(pos, length);
            }
            if (depth == 0) {
                topLevel(group, element, pos, length);
            }
            if (length == UNDEFINED) {
                pos = sequence(pos, depth + 1);
            } else {
                pos += length;
            }
            if (depth == 0 && group == 0x7FE0 && element == 0x0010) {
                pixelEnd = pos;
            }
        }
        if (inItem) {
            throw truncated(pos);
        }
        return pos;
    }

    /** Items until the sequence delimiter: sequences and encapsulated pixel data alike. */
    private long sequence(long pos, int depth) throws InvalidObjectException {
        if (depth > MAX_DEPTH) {
            throw new InvalidObjectException("data set nests sequences deeper than " + MAX_DEPTH);
        }
        while (true) {
            need(pos, 8);
            int group = u16(pos);
            int element = u16(pos + 2);
            long length = u32(pos + 4);
            pos += 8;
            if (group != 0xFFFE) {
                throw malformed(pos - 8);
            }
            if (element == 0xE0DD) {
                return pos;
            }
            if (element != 0xE000) {
                throw malformed(pos - 8);
            }
            if (length == UNDEFINED) {
                pos = elements(pos, depth + 1, true);
            } else {
                need(pos, length);
                pos += length;
            }
        }
    }

    private static boolean longVr(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
            default -> false;
        };
    }

    private void need(long pos, long n) throws InvalidObjectException {
        if (pos + n > limit) {
            throw truncated(pos);
        }
    }

    private static InvalidObjectException truncated(long pos) {
        return new InvalidObjectException("data set is truncated (ends inside an element near byte " + pos + ")");
    }

    private static InvalidObjectException malformed(long pos) {
        return new InvalidObjectException("data set is malformed at byte " + pos);
    }

    private int u16(long at) {
        return b.u16(at);
    }

    private long u32(long at) {
        return b.u32(at);
    }
}
