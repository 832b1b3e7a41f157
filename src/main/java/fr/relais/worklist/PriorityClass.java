package fr.relais.worklist;

/**
 * The deadline classes of the common worklist, most urgent first; the colour is the row's. AI-positive
 * (blue) and urgent (orange) are a pair that deuteranopes and protanopes still tell apart; each class
 * also has its own shape on the page, so that colour is never the only sign.
 */
public enum PriorityClass {
    VITAL("red"), AI_POSITIVE("blue"), URGENT("orange"), DEFERRABLE("grey");

    private final String colour;

    PriorityClass(String colour) {
        this.colour = colour;
    }

    public String colour() {
        return colour;
    }
}
