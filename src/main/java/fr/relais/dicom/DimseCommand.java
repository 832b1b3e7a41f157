package fr.relais.dicom;

import fr.relais.dicom.AssociationHandler.StoreStatus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static fr.relais.dicom.LittleEndian.putU32;
import static fr.relais.dicom.LittleEndian.u16;
import static fr.relais.dicom.LittleEndian.u32;
import static fr.relais.dicom.LittleEndian.uid;
import static fr.relais.dicom.LittleEndian.us;

/** A DIMSE command set (group 0000, implicit VR little endian, PS3.7 9.3 and Annex E). */
record DimseCommand(int commandField, int messageId, int dataSetType,
                    String affectedSopClassUid, String affectedSopInstanceUid) {

    private static final int AFFECTED_SOP_CLASS = 0x0002, COMMAND_FIELD = 0x0100, MESSAGE_ID = 0x0110,
            MESSAGE_ID_RESPONDED = 0x0120, DATA_SET_TYPE = 0x0800, STATUS = 0x0900, ERROR_COMMENT = 0x0902,
            AFFECTED_SOP_INSTANCE = 0x1000;

    static DimseCommand parse(byte[] b, int length) throws Association.ProtocolException {
        int commandField = -1, messageId = -1, dataSetType = -1;
        String sopClass = null, sopInstance = null;
        int pos = 0;
        while (pos + 8 <= length) {
            int group = u16(b, pos);
            int element = u16(b, pos + 2);
            long valueLength = u32(b, pos + 4);
            pos += 8;
            if (group != 0 || valueLength > length - pos) {
                throw new Association.ProtocolException("malformed command set");
            }
            int len = (int) valueLength;
            switch (element) {
                case COMMAND_FIELD -> commandField = len >= 2 ? u16(b, pos) : -1;
                case MESSAGE_ID -> messageId = len >= 2 ? u16(b, pos) : -1;
                case DATA_SET_TYPE -> dataSetType = len >= 2 ? u16(b, pos) : -1;
                case AFFECTED_SOP_CLASS -> sopClass = Pdu.trimUid(new String(b, pos, len, StandardCharsets.US_ASCII));
                case AFFECTED_SOP_INSTANCE -> sopInstance = Pdu.trimUid(new String(b, pos, len, StandardCharsets.US_ASCII));
                default -> { /* priority, move originator: not needed */ }
            }
            pos += len;
        }
        if (pos != length || commandField < 0 || messageId < 0) {
            throw new Association.ProtocolException("command set without command field or message ID");
        }
        return new DimseCommand(commandField, messageId, dataSetType, sopClass, sopInstance);
    }

    /** A response command set; the error comment (LO, 64 chars at most) only for a non-success status. */
    static byte[] response(int commandField, int messageId, String sopClass, String sopInstance, StoreStatus status) {
        return response(commandField, messageId, sopClass, sopInstance, status, false);
    }

    /** A response; withDataSet: an identifier follows it (a C-FIND pending response). */
    static byte[] response(int commandField, int messageId, String sopClass, String sopInstance, StoreStatus status,
                           boolean withDataSet) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        if (sopClass != null && !sopClass.isEmpty()) {
            element(body, AFFECTED_SOP_CLASS, uid(sopClass));
        }
        element(body, COMMAND_FIELD, us(commandField));
        element(body, MESSAGE_ID_RESPONDED, us(messageId));
        element(body, DATA_SET_TYPE, us(withDataSet ? 0x0000 : 0x0101));
        element(body, STATUS, us(status.code()));
        if (!status.isSuccess() && status.comment() != null) {
            element(body, ERROR_COMMENT, lo(status.comment()));
        }
        if (sopInstance != null && !sopInstance.isEmpty()) {
            element(body, AFFECTED_SOP_INSTANCE, uid(sopInstance));
        }
        byte[] elements = body.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream(elements.length + 12);
        element(all, 0x0000, LittleEndian.u32(elements.length));
        all.writeBytes(elements);
        return all.toByteArray();
    }

    /** One command element (group 0000, implicit VR little endian). */
    static void element(ByteArrayOutputStream out, int element, byte[] value) {
        byte[] header = new byte[8];
        header[2] = (byte) element;
        header[3] = (byte) (element >>> 8);
        putU32(header, 4, value.length);
        out.writeBytes(header);
        out.writeBytes(value);
    }

    private static byte[] lo(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7E]", "?").replace('\\', '/');
        if (clean.length() > 64) {
            clean = clean.substring(0, 64);
        }
        if (clean.length() % 2 == 1) {
            clean = clean + " ";
        }
        return clean.getBytes(StandardCharsets.US_ASCII);
    }
}
