package fr.relais.worklist;

/** The deadline classes of the common worklist, most urgent first; the colour is the row's. */
public enum PriorityClass {
    VITAL("red"), AI_POSITIVE("orange"), URGENT("orange"), DEFERRABLE("blue");

    private final String colour;

    PriorityClass(String colour) {
        this.colour = colour;
    }

    public String colour() {
        return colour;
    }
}
