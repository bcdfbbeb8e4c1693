package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The anchors' ranks through moves, and installs from reads made before moves the ring replays. */
class RankAnchorsTest {

    private static byte[] key(int b) {
        return new byte[] {0, 0, 0, 5, (byte) b};
    }

    @Test
    void shouldShiftAnAnchorForEachKeyThatSortsBeforeIt() {
        RankAnchors anchors = new RankAnchors();
        assertThat(anchors.install(5, new byte[][] {key(10), key(50)}, new long[] {3, 12}, anchors.version())).isTrue();

        anchors.moved(5, key(60), key(5));   // from after both to before both
        anchors.moved(5, key(20), key(70));  // from between them to after both
        anchors.moved(6, null, key(1));      // another shower
        anchors.moved(5, null, key(0xf0));   // unsigned order: 0xf0 sorts last

        assertThat(anchors.of(5).ranks).containsExactly(4, 12);
    }

    @Test
    void shouldReplayTheMovesMadeSinceTheReadOnInstall() {
        RankAnchors anchors = new RankAnchors();
        long readAt = anchors.version();
        anchors.moved(5, null, key(1));
        anchors.moved(5, key(2), key(90));
        anchors.moved(7, null, key(1));

        assertThat(anchors.install(5, new byte[][] {key(10), key(50)}, new long[] {3, 12}, readAt)).isTrue();
        assertThat(anchors.of(5).ranks).as("+1 for key 1, -1 for key 2 and +1 at 50 for key 90: none").containsExactly(3, 12);

        anchors.moved(5, key(10), key(11));
        assertThat(anchors.of(5)).as("the anchor's own entry moved").isNull();
    }

    @Test
    void shouldRefuseAnInstallItCannotBringUpToDate() {
        RankAnchors anchors = new RankAnchors();
        long readAt = anchors.version();
        anchors.moved(5, key(10), key(40));
        assertThat(anchors.install(5, new byte[][] {key(10)}, new long[] {3}, readAt)).as("a replayed move removed its entry").isFalse();

        long beforeClear = anchors.version();
        anchors.clear();
        assertThat(anchors.install(5, new byte[][] {key(10)}, new long[] {3}, beforeClear)).as("read before a clear").isFalse();

        long old = anchors.version();
        for (int i = 0; i <= RankAnchors.MOVES; i++) {
            anchors.moved(6, null, key(1));
        }
        assertThat(anchors.install(5, new byte[][] {key(10)}, new long[] {3}, old)).as("older than the ring").isFalse();
        assertThat(anchors.install(5, new byte[][] {key(10)}, new long[] {3}, anchors.version() - RankAnchors.MOVES)).isTrue();
        assertThat(anchors.of(5).ranks).containsExactly(3);
    }
}
