package io.histoscale.dataset;

/** What patches are grouped by when splitting, so that no group ends up on both sides of a split. */
public enum GroupBy {
    PATIENT,
    SLIDE,
    CENTRE;

    /** The group a slide belongs to. */
    public String of(SlideEntry slide) {
        return switch (this) {
            case PATIENT -> slide.patient();
            case SLIDE -> slide.name();
            case CENTRE -> slide.centre();
        };
    }
}
