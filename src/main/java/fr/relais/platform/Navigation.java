package fr.relais.platform;

import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The administrators' menu, grouped by subject ({@code layout.html} shows each group as a
 * disclosure): a page's name is its {@code nav.<name>} message and the {@code active} name its page
 * gives the header.
 */
@Component("navigation")
public class Navigation {

    public record Page(String name, String path) {}

    public record Group(String name, List<Page> pages) {
        public boolean holds(String active) {
            return pages.stream().anyMatch(p -> p.name().equals(active));
        }
    }

    private static final List<Group> ADMIN = List.of(
            new Group("establishments", List.of(
                    new Page("hospitals", "/admin/hospitals"),
                    new Page("examTypes", "/admin/exam-types"))),
            new Group("reading", List.of(
                    new Page("centers", "/admin/centers"),
                    new Page("radiologists", "/admin/radiologists"),
                    new Page("shifts", "/shifts"),
                    new Page("presenceBoard", "/coordination/presence"),
                    new Page("aiAdmin", "/admin/ai"),
                    new Page("ai", "/coordination/ai"))),
            new Group("coordination", List.of(
                    new Page("dashboard", "/coordination/dashboard"),
                    new Page("supervision", "/coordination/worklist"),
                    new Page("unmatched", "/coordination/unmatched"),
                    new Page("callbacks", "/coordination/callbacks"))),
            new Group("diffusion", List.of(
                    new Page("destinations", "/admin/destinations"),
                    new Page("deliveries", "/coordination/deliveries"))),
            new Group("security", List.of(
                    new Page("users", "/admin/users"),
                    new Page("tokens", "/admin/tokens"),
                    new Page("audit", "/admin/audit"))),
            new Group("storage", List.of(
                    new Page("storage", "/admin/storage"))),
            new Group("billing", List.of(
                    new Page("billing", "/billing"))));

    public List<Group> admin() {
        return ADMIN;
    }
}
