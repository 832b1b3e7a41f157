package fr.relais.request;

/** An acquisition protocol offered for an exam type; the radiologist may edit it when accepting. */
public record Protocol(long id, String name, String description) {}
