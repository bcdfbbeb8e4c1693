package dev.starfall.projections.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One wallet's meteors across closed showers, by shower; at most one meteor per shower. */
public record Cave(List<Meteor> meteors) {

    public static final Cave EMPTY = new Cave(List.of());

    public Cave {
        meteors = List.copyOf(meteors);
    }

    /** Adds or replaces the meteor of its shower (a re-emitted result is idempotent). */
    public Cave with(Meteor meteor) {
        List<Meteor> out = new ArrayList<>(meteors.size() + 1);
        for (Meteor m : meteors) {
            if (m.shower() != meteor.shower()) {
                out.add(m);
            }
        }
        out.add(meteor);
        out.sort(Comparator.comparingInt(Meteor::shower));
        return new Cave(out);
    }
}
