package dev.starfall.projections.query;

import java.util.List;

/**
 * One wallet's cave: its meteors in closed showers (final) and its standings in showers that are
 * not closed yet (live, may change), both by shower.
 */
public record WalletCave(String wallet, List<MeteorView> meteors, List<WalletStanding> live) {
}
