package dev.starfall.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.starfall.projections.query.MeteorView;

/** A wallet's meteors in closed showers, as a cave part: encodes as the bare list. */
record ClosedMeteors(@JsonValue List<MeteorView> meteors) {

    ClosedMeteors {
        meteors = List.copyOf(meteors);
    }
}
