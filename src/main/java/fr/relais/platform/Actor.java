package fr.relais.platform;

/**
 * Who does something, for the audit trail: the account's username and where the request came
 * from. Controllers receive it as a handler argument (see {@link WebConfig}).
 */
public record Actor(String username, String source) {

    /** The platform itself: startup, demo seeding, scheduled jobs. */
    public static final Actor SYSTEM = new Actor("system", null);
}
