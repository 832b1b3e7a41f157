package fr.relais.request;

public enum Pregnancy { NOT_APPLICABLE, NOT_PREGNANT, PREGNANT, UNKNOWN }
