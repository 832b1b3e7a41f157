package fr.relais.delivery;

/** One way of carrying a report to a destination; the same message id on every attempt. */
interface Channel {

    Destination.Kind kind();

    void send(Destination destination, ReportDocument document, byte[] pdf, String messageId) throws DeliveryFailure;

    /**
     * Whether the destination answers, without giving it anything to file: a C-ECHO to a PACS, an
     * HL7 network management message to a RIS. Returns what it answered.
     */
    String test(Destination destination) throws DeliveryFailure;
}
