package fr.relais.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing the big-endian items of upper layer PDUs (PS3.8 9.3). */
final class Pdu {

    private Pdu() {}

    record ProposedContext(int id, String abstractSyntax, List<String> transferSyntaxes) {}

    static ProposedContext readProposedContext(Reader item) {
        int id = item.u8();
        item.skip(3);
        String abstractSyntax = "";
        List<String> transferSyntaxes = new ArrayList<>();
        while (item.remaining() >= 4) {
            int type = item.u8();
            item.skip(1);
            int length = item.u16();
            String uid = trimUid(item.ascii(length));
            if (type == 0x30) {
                abstractSyntax = uid;
            } else if (type == 0x40) {
                transferSyntaxes.add(uid);
            }
        }
        return new ProposedContext(id, abstractSyntax, transferSyntaxes);
    }

    static String trimUid(String uid) {
        int end = uid.length();
        while (end > 0 && (uid.charAt(end - 1) == 0 || uid.charAt(end - 1) == ' ')) {
            end--;
        }
        return uid.substring(0, end);
    }

    static byte[] uid(String uid) {
        return uid.getBytes(StandardCharsets.US_ASCII);
    }

    /** A bounds-checked cursor: a lying length ends the association, not the server. */
    static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b) {
            this(b, 0, b.length);
        }

        private Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n) {
            if (n < 0 || pos + n > end) {
                throw new MalformedPduException("item overruns its PDU");
            }
        }

        int u8() {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() {
            need(2);
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        int s32() {
            need(4);
            int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        void skip(int n) {
            need(n);
            pos += n;
        }

        String ascii(int n) {
            need(n);
            String s = new String(b, pos, n, StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }

        Reader slice(int n) {
            need(n);
            Reader r = new Reader(b, pos, pos + n);
            pos += n;
            return r;
        }
    }

    static final class MalformedPduException extends RuntimeException {
        MalformedPduException(String message) {
            super(message);
        }
    }

    static final class Writer {
        private final int type;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

        /** type -1 builds a bare body (a sub-item's content). */
        Writer(int type) {
            this.type = type;
        }

        Writer u8(int v) {
            body.write(v);
            return this;
        }

        Writer u16(int v) {
            body.write(v >>> 8);
            body.write(v);
            return this;
        }

        Writer bytes(byte[] v) {
            body.writeBytes(v);
            return this;
        }

        Writer zeros(int n) {
            body.writeBytes(new byte[n]);
            return this;
        }

        Writer item(int itemType, byte[] value) {
            u8(itemType).u8(0).u16(value.length);
            return bytes(value);
        }

        byte[] body() {
            return body.toByteArray();
        }

        byte[] pdu() {
            byte[] content = body.toByteArray();
            byte[] pdu = new byte[6 + content.length];
            pdu[0] = (byte) type;
            putInt(pdu, 2, content.length);
            System.arraycopy(content, 0, pdu, 6, content.length);
            return pdu;
        }

        static byte[] int32(int v) {
            byte[] b = new byte[4];
            putInt(b, 0, v);
            return b;
        }

        static void putInt(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }
}
