package fr.relais.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile input for the DICOM door, from a seeded {@link Random}: A-ASSOCIATE-RQ PDUs mutated at
 * the byte and item level, and P-DATA-TF streams broken in their framing (PDV lengths, context
 * ids, flags), their command sets or their data sets (tags, VRs, lengths, undefined lengths,
 * sequences nested deep). Each case says what it did, so that a finding can be read and replayed.
 */
public final class DicomFuzz {

    public static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    /** The presentation contexts {@link #associateRq} proposes: 1 CT, 3 verification. */
    public static final int CT_CONTEXT = 1, ECHO_CONTEXT = 3;

    /**
     * Bytes to send and what they are. wellFramed: the PDUs and PDVs are intact and carry one whole
     * C-STORE, so the server owes a C-STORE response (a failure status at worst), not an abort.
     */
    public record Case(String description, byte[] bytes, boolean wellFramed) {}

    private DicomFuzz() {}

    /** A valid A-ASSOCIATE-RQ proposing CT image storage and verification in explicit and implicit VR. */
    public static byte[] associateRq(String calledAe, String callingAe) {
        return associateRq(ae(calledAe), ae(callingAe), 2, Uids.APPLICATION_CONTEXT);
    }

    private static byte[] associateRq(byte[] calledAe, byte[] callingAe, int contexts, String applicationContext) {
        Pdu.Writer rq = new Pdu.Writer(1);
        rq.u16(1).u16(0).bytes(calledAe).bytes(callingAe).zeros(32);
        rq.item(0x10, applicationContext.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < contexts; i++) {
            Pdu.Writer pc = new Pdu.Writer(-1);
            pc.u8(2 * i + 1).u8(0).u8(0).u8(0).item(0x30, Pdu.uid(i % 2 == 0 ? CT : Uids.VERIFICATION))
                    .item(0x40, Pdu.uid(Uids.EXPLICIT_VR_LITTLE_ENDIAN)).item(0x40, Pdu.uid(Uids.IMPLICIT_VR_LITTLE_ENDIAN));
            rq.item(0x20, pc.body());
        }
        Pdu.Writer user = new Pdu.Writer(-1);
        user.item(0x51, Pdu.Writer.int32(65536));
        user.item(0x52, Pdu.uid("1.2.3.4"));
        rq.item(0x50, user.body());
        return rq.pdu();
    }

    /** A mutated A-ASSOCIATE-RQ (or something sent in its place). */
    public static Case associateCase(Random r, String calledAe, String callingAe) {
        byte[] valid = associateRq(calledAe, callingAe);
        int kind = r.nextInt(12);
        byte[] b;
        String what;
        switch (kind) {
            case 0 -> {
                b = valid.clone();
                int flips = 1 + r.nextInt(8);
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < flips; i++) {
                    int pos = r.nextInt(b.length);
                    int bit = r.nextInt(8);
                    b[pos] ^= (byte) (1 << bit);
                    at.append(pos).append('.').append(bit).append(' ');
                }
                what = "bit flips at " + at.toString().trim();
            }
            case 1 -> {
                int cut = r.nextInt(valid.length);
                b = Arrays.copyOf(valid, cut);
                what = "truncated to " + cut + " of " + valid.length + " bytes";
            }
            case 2 -> {
                b = valid.clone();
                long length = pick(r, 0, 1, 67, 68, 69, valid.length - 7, valid.length - 5, 65536, 65537,
                        0x7FFFFFFFL, 0xFFFFFFFFL, r.nextInt(1 << 20));
                Pdu.Writer.putInt(b, 2, (int) length);
                what = "PDU length field " + length + " (true " + (valid.length - 6) + ")";
            }
            case 3 -> {
                b = valid.clone();
                List<Integer> items = itemOffsets(b);
                int item = items.get(r.nextInt(items.size()));
                int type = (int) pick(r, 0x00, 0x11, 0x21, 0x30, 0x40, 0x50, 0x51, 0x55, 0xFF, r.nextInt(256));
                b[item] = (byte) type;
                what = String.format("item at %d retyped 0x%02X", item, type);
            }
            case 4 -> {
                b = valid.clone();
                List<Integer> items = itemOffsets(b);
                int item = items.get(r.nextInt(items.size()));
                int length = (int) pick(r, 0, 1, 3, 0xFFFF, 0x8000, r.nextInt(0x10000));
                b[item + 2] = (byte) (length >>> 8);
                b[item + 3] = (byte) length;
                what = "item at " + item + " length " + length;
            }
            case 5 -> {
                byte[] calling = oddAe(r, callingAe);
                byte[] called = r.nextBoolean() ? ae(calledAe) : oddAe(r, calledAe);
                b = associateRq(called, calling, 2, Uids.APPLICATION_CONTEXT);
                what = "AE titles called " + hex(called) + " calling " + hex(calling);
            }
            case 6 -> {
                int contexts = (int) pick(r, 0, 127, 128, 200);
                b = associateRq(ae(calledAe), ae(callingAe), contexts, Uids.APPLICATION_CONTEXT);
                what = contexts + " presentation contexts";
            }
            case 7 -> {
                String context = r.nextBoolean() ? "1.2.3" : "";
                b = associateRq(ae(calledAe), ae(callingAe), 2, context);
                what = "application context '" + context + "'";
            }
            case 8 -> {
                b = valid.clone();
                b[0] = (byte) pick(r, 0, 2, 3, 4, 5, 6, 7, 8, 0xFF);
                what = "PDU type " + (b[0] & 0xFF) + " instead of A-ASSOCIATE-RQ";
            }
            case 9 -> {
                b = new byte[r.nextInt(2000)];
                r.nextBytes(b);
                what = "random " + b.length + " bytes";
            }
            case 10 -> {
                // A presentation context item whose sub-items lie about their lengths.
                Pdu.Writer rq = new Pdu.Writer(1);
                rq.u16(1).u16(0).bytes(ae(calledAe)).bytes(ae(callingAe)).zeros(32);
                rq.item(0x10, Uids.APPLICATION_CONTEXT.getBytes(StandardCharsets.US_ASCII));
                byte[] pc = new byte[4 + 4 + r.nextInt(40)];
                pc[0] = 1;
                pc[4] = 0x30;
                int sub = (int) pick(r, 0, 0xFFFF, pc.length, pc.length - 7);
                pc[6] = (byte) (sub >>> 8);
                pc[7] = (byte) sub;
                rq.item(0x20, pc);
                Pdu.Writer user = new Pdu.Writer(-1);
                byte[] max = new byte[(int) pick(r, 0, 2, 4, 8)];
                user.item(0x51, max);
                rq.item(0x50, user.body());
                b = rq.pdu();
                what = "presentation context with an abstract syntax of length " + sub + ", max length of " + max.length + " bytes";
            }
            default -> {
                // Only the first bytes, then the rest much later: here, never (the socket is then half-closed).
                int cut = 1 + r.nextInt(10);
                b = Arrays.copyOf(valid, cut);
                what = "half-sent header, " + cut + " bytes";
            }
        }
        return new Case("associate: " + what, b, false);
    }

    /** P-DATA-TF (and other PDUs) to send on an accepted association. */
    public static Case pdataCase(Random r, byte[] dataSet, String sopInstanceUid) {
        int kind = r.nextInt(10);
        byte[] command = storeCommand(CT, sopInstanceUid, 1 + r.nextInt(0xFFFF), 0x0000);
        return switch (kind) {
            case 0, 1, 2, 3 -> {
                // Intact framing, broken data set: the server must answer with a status.
                MutatedDataSet m = mutateDataSet(r, dataSet);
                yield new Case("pdata: intact framing, data set " + m.what(),
                        concat(pdata(CT_CONTEXT, 0x03, command), fragments(r, CT_CONTEXT, m.bytes())), true);
            }
            case 4 -> {
                byte[] bad = mutateCommand(r, sopInstanceUid);
                yield new Case("pdata: command set " + hex(Arrays.copyOf(bad, Math.min(bad.length, 48))) + "...",
                        concat(pdata(CT_CONTEXT, 0x03, bad), fragments(r, CT_CONTEXT, dataSet)), false);
            }
            case 5 -> {
                // A PDV whose length does not fit its PDU, or a PDU whose length does not fit anything.
                byte[] pdu = pdata(CT_CONTEXT, 0x03, command);
                long pdvLength = pick(r, 0, 1, 2, pdu.length - 9, pdu.length - 5, pdu.length, 0xFFFFFFFFL, 0x80000000L);
                long pduLength = r.nextInt(3) == 0 ? pick(r, 0, 5, 6, 262144 + 65, 0xFFFFFFFFL) : pdu.length - 6;
                Pdu.Writer.putInt(pdu, 6, (int) pdvLength);
                Pdu.Writer.putInt(pdu, 2, (int) pduLength);
                yield new Case("pdata: PDV length " + pdvLength + ", PDU length " + pduLength, pdu, false);
            }
            case 6 -> {
                int context = (int) pick(r, 0, 2, 3, 5, 255);
                int header = r.nextInt(256);
                yield new Case(String.format("pdata: context %d, header 0x%02X", context, header),
                        concat(pdata(context, header, command), fragments(r, CT_CONTEXT, dataSet)), false);
            }
            case 7 -> {
                int order = r.nextInt(5);
                byte[] bytes = switch (order) {
                    case 0 -> fragments(r, CT_CONTEXT, dataSet); // data set without its command
                    case 1 -> concat(pdata(CT_CONTEXT, 0x03, command), pdata(CT_CONTEXT, 0x03, command));
                    case 2 -> concat(pdata(CT_CONTEXT, 0x01, Arrays.copyOf(command, command.length / 2)),
                            pdata(CT_CONTEXT, 0x02, dataSet)); // command never finished
                    case 3 -> concat(pdata(CT_CONTEXT, 0x03, command), pdata(CT_CONTEXT, 0x00,
                            Arrays.copyOf(dataSet, dataSet.length / 2)), new byte[]{5, 0, 0, 0, 0, 4, 0, 0, 0, 0});
                    default -> concat(pdata(CT_CONTEXT, 0x03, command),
                            associateRq(ae("RELAIS"), ae("AGAIN"), 1, Uids.APPLICATION_CONTEXT));
                };
                yield new Case("pdata: out of order (" + new String[]{"data before command", "two commands",
                        "command never ended", "release mid data set", "A-ASSOCIATE-RQ mid message"}[order] + ")",
                        bytes, false);
            }
            case 8 -> {
                byte[] echo = storeCommand(Uids.VERIFICATION, null, 7, 0x0101, 0x0030);
                int context = r.nextBoolean() ? ECHO_CONTEXT : CT_CONTEXT;
                yield new Case("pdata: C-ECHO on context " + context, pdata(context, 0x03, echo), false);
            }
            default -> {
                byte[] all = concat(pdata(CT_CONTEXT, 0x03, command), fragments(r, CT_CONTEXT, dataSet));
                int flips = 1 + r.nextInt(6);
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < flips; i++) {
                    // Most flips in the framing and command, where they break the most.
                    int pos = r.nextBoolean() ? r.nextInt(Math.min(all.length, 300)) : r.nextInt(all.length);
                    int bit = r.nextInt(8);
                    all[pos] ^= (byte) (1 << bit);
                    at.append(pos).append('.').append(bit).append(' ');
                }
                yield new Case("pdata: bit flips at " + at.toString().trim(), all, false);
            }
        };
    }

    public record MutatedDataSet(String what, byte[] bytes) {}

    /** The data set (explicit VR little endian) broken in one of the ways a parser must survive. */
    public static MutatedDataSet mutateDataSet(Random r, byte[] dataSet) {
        List<int[]> elements = elements(dataSet);
        int kind = r.nextInt(8);
        byte[] b = dataSet.clone();
        int[] e = elements.get(r.nextInt(elements.size())); // offset, header length, value length
        switch (kind) {
            case 0 -> {
                int tag = r.nextInt();
                LittleEndian.putU32(b, e[0], tag);
                return new MutatedDataSet(String.format("tag at %d made %08X", e[0], tag), b);
            }
            case 1 -> {
                byte v1 = (byte) (r.nextBoolean() ? 'A' + r.nextInt(26) : r.nextInt(256));
                byte v2 = (byte) (r.nextBoolean() ? 'A' + r.nextInt(26) : r.nextInt(256));
                b[e[0] + 4] = v1;
                b[e[0] + 5] = v2;
                return new MutatedDataSet("VR at " + e[0] + " made " + hex(new byte[]{v1, v2}), b);
            }
            case 2 -> {
                long length = pick(r, 0, 1, 3, 0xFFFF, 0xFFFFFFFFL, 0x7FFFFFFFL, dataSet.length, r.nextInt(1 << 24));
                if (e[1] == 8) {
                    b[e[0] + 6] = (byte) length;
                    b[e[0] + 7] = (byte) (length >>> 8);
                } else {
                    LittleEndian.putU32(b, e[0] + 8, (int) length);
                }
                return new MutatedDataSet("length at " + e[0] + " made " + length, b);
            }
            case 3 -> {
                int cut = r.nextInt(dataSet.length);
                return new MutatedDataSet("truncated to " + cut, Arrays.copyOf(dataSet, cut));
            }
            case 4 -> {
                int depth = (int) pick(r, 2, 64, 1000, 20_000, 60_000);
                boolean closed = r.nextBoolean();
                return new MutatedDataSet("sequence nested " + depth + " deep, " + (closed ? "closed" : "never closed"),
                        insertBefore(dataSet, pixelData(elements), nestedSequence(depth, closed)));
            }
            case 5 -> {
                // An element of undefined length where none is allowed (a string VR), then more.
                byte[] odd = {0x08, 0x00, 0x30, 0x10, 'L', 'O', (byte) 0xFF, (byte) 0xFF, 'x', 'y'};
                return new MutatedDataSet("LO element of length FFFF", insertBefore(dataSet, pixelData(elements), odd));
            }
            case 6 -> {
                int flips = 1 + r.nextInt(16);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(Math.min(b.length, 2048))] ^= (byte) (1 << r.nextInt(8));
                }
                return new MutatedDataSet(flips + " bit flips in the first 2 KB", b);
            }
            default -> {
                // Pixel data of undefined length (encapsulated) with broken items, in an uncompressed syntax.
                int at = pixelData(elements);
                byte[] head = Arrays.copyOf(dataSet, at);
                byte[] px = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 0x10, 0, 0, 0, 1, 2, 3};
                return new MutatedDataSet("encapsulated pixel data with a cut item", concat(head, px));
            }
        }
    }

    /** A C-STORE-RQ command set (implicit VR little endian, group 0000). */
    public static byte[] storeCommand(String sopClass, String sopInstance, int messageId, int dataSetType) {
        return storeCommand(sopClass, sopInstance, messageId, dataSetType, 0x0001);
    }

    private static byte[] storeCommand(String sopClass, String sopInstance, int messageId, int dataSetType, int field) {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        DimseCommand.element(cmd, 0x0002, LittleEndian.uid(sopClass));
        DimseCommand.element(cmd, 0x0100, LittleEndian.us(field));
        DimseCommand.element(cmd, 0x0110, LittleEndian.us(messageId));
        if (field == 0x0001) {
            DimseCommand.element(cmd, 0x0700, LittleEndian.us(0));
        }
        DimseCommand.element(cmd, 0x0800, LittleEndian.us(dataSetType));
        if (sopInstance != null) {
            DimseCommand.element(cmd, 0x1000, LittleEndian.uid(sopInstance));
        }
        byte[] elements = cmd.toByteArray();
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        DimseCommand.element(command, 0x0000, LittleEndian.u32(elements.length));
        command.writeBytes(elements);
        return command.toByteArray();
    }

    private static byte[] mutateCommand(Random r, String sopInstanceUid) {
        byte[] command = storeCommand(CT, sopInstanceUid, 1, 0x0000);
        switch (r.nextInt(6)) {
            case 0 -> LittleEndian.putU32(command, 8, (int) pick(r, 0, 1, command.length, 0xFFFFFFFFL, 12)); // group length
            case 1 -> LittleEndian.putU32(command, 4, (int) pick(r, 0, 2, 3, 0xFFFFFFFFL, 0x10000)); // its own length
            case 2 -> {
                // An element whose length runs past the end.
                byte[] more = new byte[12];
                more[2] = 0x00;
                more[3] = 0x09;
                LittleEndian.putU32(more, 4, (int) pick(r, 4, 1000, 0x7FFFFFFFL, 0xFFFFFFFFL));
                return concat(command, more);
            }
            case 3 -> {
                return storeCommand(CT, sopInstanceUid, 1, 0x0000, (int) pick(r, 0x0020, 0x0010, 0x8001, 0x0FFF, 0xFFFF));
            }
            case 4 -> {
                return storeCommand(CT, sopInstanceUid, 1, 0x0101); // C-STORE without a data set
            }
            default -> {
                return Arrays.copyOf(command, r.nextInt(command.length));
            }
        }
        return command;
    }

    /** One P-DATA-TF with one PDV. */
    public static byte[] pdata(int contextId, int header, byte[] value) {
        byte[] pdu = new byte[12 + value.length];
        pdu[0] = 4;
        Pdu.Writer.putInt(pdu, 2, 6 + value.length);
        Pdu.Writer.putInt(pdu, 6, 2 + value.length);
        pdu[10] = (byte) contextId;
        pdu[11] = (byte) header;
        System.arraycopy(value, 0, pdu, 12, value.length);
        return pdu;
    }

    /** A data set in PDVs of random sizes (within the server's 256 KiB PDUs), the last one flagged. */
    private static byte[] fragments(Random r, int contextId, byte[] dataSet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Tiny fragments too, but not so many that one case sends tens of megabytes.
        int chunk = Math.max((int) pick(r, 1, 7, 1024, 16 * 1024, 200 * 1024), dataSet.length / 4000);
        if (dataSet.length == 0) {
            out.writeBytes(pdata(contextId, 0x02, dataSet));
        }
        for (int off = 0; off < dataSet.length; off += chunk) {
            int len = Math.min(chunk, dataSet.length - off);
            out.writeBytes(pdata(contextId, off + len >= dataSet.length ? 0x02 : 0x00, Arrays.copyOfRange(dataSet, off, off + len)));
        }
        return out.toByteArray();
    }

    /** Top-level elements of an explicit VR little endian data set: {offset, header length, value length}. */
    static List<int[]> elements(byte[] b) {
        List<int[]> out = new ArrayList<>();
        int pos = 0;
        while (pos + 8 <= b.length) {
            String vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
            boolean longForm = List.of("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UT", "UN", "UC", "UR", "SV", "UV").contains(vr);
            int header = longForm ? 12 : 8;
            long length = longForm ? LittleEndian.u32(b, pos + 8) : LittleEndian.u16(b, pos + 6);
            if (length == 0xFFFFFFFFL || pos + header + length > b.length) {
                out.add(new int[]{pos, header, (int) Math.min(length, Integer.MAX_VALUE)});
                break;
            }
            out.add(new int[]{pos, header, (int) length});
            pos += header + (int) length;
        }
        return out;
    }

    private static int pixelData(List<int[]> elements) {
        return elements.get(elements.size() - 1)[0];
    }

    /** (0008,1115) SQ of undefined length holding items of undefined length, nested depth times. */
    private static byte[] nestedSequence(int depth, boolean closed) {
        byte[] sq = {0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        byte[] item = {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        byte[] itemEnd = {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0};
        byte[] sqEnd = {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            out.writeBytes(sq);
            out.writeBytes(item);
        }
        if (closed) {
            for (int i = 0; i < depth; i++) {
                out.writeBytes(itemEnd);
                out.writeBytes(sqEnd);
            }
        }
        return out.toByteArray();
    }

    private static byte[] insertBefore(byte[] b, int at, byte[] inserted) {
        return concat(Arrays.copyOf(b, at), inserted, Arrays.copyOfRange(b, at, b.length));
    }

    private static List<Integer> itemOffsets(byte[] pdu) {
        List<Integer> items = new ArrayList<>();
        int pos = 6 + 68;
        while (pos + 4 <= pdu.length) {
            items.add(pos);
            pos += 4 + (((pdu[pos + 2] & 0xFF) << 8) | (pdu[pos + 3] & 0xFF));
        }
        return items;
    }

    private static byte[] oddAe(Random r, String ae) {
        byte[] b = ae(ae);
        switch (r.nextInt(5)) {
            case 0 -> b[r.nextInt(16)] = 0;
            case 1 -> b[r.nextInt(16)] = (byte) (0x80 + r.nextInt(128));
            case 2 -> b[r.nextInt(16)] = (byte) r.nextInt(32);
            case 3 -> Arrays.fill(b, (byte) ' ');
            default -> b[r.nextInt(16)] = '\\';
        }
        return b;
    }

    static byte[] ae(String ae) {
        return String.format("%-16s", ae).substring(0, 16).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static long pick(Random r, long... choices) {
        return choices[r.nextInt(choices.length)];
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02X", x & 0xFF));
        }
        return s.toString();
    }
}
