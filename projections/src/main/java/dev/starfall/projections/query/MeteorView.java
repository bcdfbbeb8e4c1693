package dev.starfall.projections.query;

/** A wallet's meteor in one closed shower; {@code contribution} in minor units as a decimal string. */
public record MeteorView(int shower, long rank, String tier, String contribution) {
}
