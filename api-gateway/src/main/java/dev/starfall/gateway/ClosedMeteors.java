package dev.starfall.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.starfall.projections.CaveVersions;
import dev.starfall.projections.query.MeteorView;

/**
 * A wallet's meteors in closed showers, as a cave part: encodes as the bare list. Read from an
 * active task here, it names the cave partition and that partition's version noted before the read
 * (see {@link CaveVersions}); otherwise the version is {@link CaveVersions#UNTRACKED}.
 */
record ClosedMeteors(@JsonValue List<MeteorView> meteors, int partition, long version) {

    ClosedMeteors {
        meteors = List.copyOf(meteors);
    }

    ClosedMeteors(List<MeteorView> meteors) {
        this(meteors, -1, CaveVersions.UNTRACKED);
    }
}
