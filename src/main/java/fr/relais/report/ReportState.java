package fr.relais.report;

/** A report is a draft, saved again and again by its radiologist, until it is signed, for good. */
public enum ReportState { DRAFT, SIGNED }
