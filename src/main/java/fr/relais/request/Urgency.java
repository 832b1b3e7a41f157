package fr.relais.request;

/** urgence vitale / urgente / différable. */
public enum Urgency { P1, P2, P3 }
