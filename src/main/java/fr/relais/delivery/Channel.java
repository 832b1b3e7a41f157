package fr.relais.delivery;

/** One way of carrying a report to a destination; the same message id on every attempt. */
interface Channel {

    Destination.Kind kind();

    void send(Destination destination, ReportDocument document, byte[] pdf, String messageId) throws DeliveryFailure;
}
