package dev.starfall.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The showers whose summary does not say CLOSED (or is unavailable), as a cave part, and since when
 * the gateway has seen this same list.
 *
 * @param showers     shower numbers, ascending; encodes as this bare list
 * @param sinceNanos  when a list of these same showers was first built ({@code System.nanoTime()}):
 *                    the last change of the closed showers was seen then
 */
record UnclosedShowers(@JsonValue List<Integer> showers, long sinceNanos) {

    UnclosedShowers {
        showers = List.copyOf(showers);
    }

    /** The same showers as {@code previous} keep its {@code sinceNanos}; a different list starts at {@code now}. */
    UnclosedShowers after(UnclosedShowers previous) {
        return previous != null && previous.showers.equals(showers) ? new UnclosedShowers(showers, previous.sinceNanos) : this;
    }
}
