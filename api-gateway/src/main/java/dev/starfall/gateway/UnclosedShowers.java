package dev.starfall.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The showers whose summary does not say CLOSED (or is unavailable), as a cave part.
 *
 * @param showers shower numbers, ascending; encodes as this bare list
 */
record UnclosedShowers(@JsonValue List<Integer> showers) {

    UnclosedShowers {
        showers = List.copyOf(showers);
    }
}
