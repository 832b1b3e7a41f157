package fr.relais.delivery;

/** A system of the hospital that receives its reports. remoteName: the PACS AE title, or the RIS application (MSH-5). */
public record Destination(long id, long hospitalId, Kind kind, String label, String host, int port, String remoteName,
                          boolean enabled) {

    public enum Kind { HL7_MLLP, DICOM_STORE }
}
