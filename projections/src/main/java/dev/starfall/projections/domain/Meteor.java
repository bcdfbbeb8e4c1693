package dev.starfall.projections.domain;

import java.math.BigInteger;

/** A wallet's meteor in a closed shower: its final rank, tier and contribution. */
public record Meteor(int shower, long rank, String tier, BigInteger contribution) {
}
