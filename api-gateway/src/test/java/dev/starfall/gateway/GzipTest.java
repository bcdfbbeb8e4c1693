package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GzipTest {

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldEncodeWhatTheJdksGzipReaderDecodesToTheSameBytes() throws IOException {
        byte[] json = "{\"rank\":1,\"wallet\":\"terra18ak06mcpqe9kvzxedlh4ex4ujf2d0wa7446xly\",\"amount\":\"589680476932\"},"
                .repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[200_000]; // incompressible: the output grows past its first guess
        new Random(7).nextBytes(random);

        for (byte[] body : new byte[][] {json, random, new byte[0], {'x'}}) {
            byte[] gzip = Gzip.encode(body);
            assertThat(gunzip(gzip)).isEqualTo(body); // the reader checks the CRC-32 and the length too
        }
        assertThat(Gzip.encode(json).length).isLessThan(json.length / 4);
        assertThat(Gzip.encode(json)).as("the same bytes however often, on a reused deflater").isEqualTo(Gzip.encode(json));
    }

    @ParameterizedTest(name = "[{0}] accepts gzip: {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip|true",
            "gzip, deflate, br, zstd|true",
            "br;q=1.0, gzip;q=0.8, *;q=0.1|true",
            "GZip|true",
            "x-gzip|true",
            " deflate , gzip ; q=0.5 |true",
            "gzip;q=0.001|true",
            "*|true",
            "br, *;q=0.5|true",
            "gzip;q=0|false",
            "gzip;q=0.000|false",
            "gzip; level=1; q=0.0|false",
            "*;q=0.5, gzip;q=0|false",
            "*;q=0|false",
            "identity|false",
            "deflate, br|false",
            "gzipped|false",
            "''|false",
    })
    void shouldReadTheWeightOfGzipAndOfAnyCoding(String header, boolean accepted) {
        assertThat(Gzip.accepted(header)).isEqualTo(accepted);
    }

    @Test
    void shouldMakePiecesThatDecodeInAnyStreamAfterAnyOtherPieces() throws Exception {
        byte[] board = "id: 1\nevent: leaderboard\ndata: {\"entries\":[{\"rank\":1,\"amount\":\"589680476932\"}]}\n\n".repeat(40)
                .getBytes(StandardCharsets.UTF_8);
        byte[] heartbeat = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] noise = new byte[200_000]; // incompressible: the piece is larger than the output first made for it
        new Random(7).nextBytes(noise);
        byte[] boardPiece = Gzip.flushedPiece(board);
        byte[] heartbeatPiece = Gzip.flushedPiece(heartbeat);
        byte[] noisePiece = Gzip.flushedPiece(noise);

        assertThat(boardPiece.length).isLessThan(board.length / 4);
        // the same pieces, in other orders, in two clients' streams
        assertThat(inflateStream(Gzip.streamHeader(), boardPiece, heartbeatPiece, noisePiece, boardPiece))
                .isEqualTo(concat(board, heartbeat, noise, board));
        assertThat(inflateStream(Gzip.streamHeader(), heartbeatPiece, heartbeatPiece, boardPiece))
                .isEqualTo(concat(heartbeat, heartbeat, board));
        assertThat(Gzip.flushedPiece(board)).as("the same bytes each time").isEqualTo(boardPiece);
        assertThat(inflateStream(Gzip.streamHeader(), Gzip.flushedPiece(new byte[0]))).isEmpty();
    }

    @Test
    void shouldMakeANextBoardAFractionOfItsSizeWithTheLastOneAsItsDictionary() throws Exception {
        String row = "{\"rank\":%d,\"wallet\":\"terra1%038d\",\"amount\":\"%d\"},";
        StringBuilder last = new StringBuilder("id: 1\nevent: leaderboard\ndata: [");
        StringBuilder next = new StringBuilder("id: 2\nevent: leaderboard\ndata: [");
        for (int i = 1; i <= 100; i++) {
            last.append(String.format(java.util.Locale.ROOT, row, i, i * 7919L, 10_000_000L - i * 1000L));
            next.append(String.format(java.util.Locale.ROOT, row, i, i * 7919L, 10_000_000L - i * 1000L + (i == 40 ? 5 : 0)));
        }
        byte[] lastBoard = last.append("]\n\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] nextBoard = next.append("]\n\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] empty = Gzip.flushedPiece(new byte[0]); // a gzip client's heartbeat

        byte[] fresh = Gzip.flushedPiece(nextBoard);
        byte[] chained = Gzip.flushedPiece(nextBoard, lastBoard);

        assertThat(chained.length).as("%d bytes against %d", chained.length, fresh.length).isLessThan(fresh.length / 5);
        assertThat(empty).as("bytes on the wire").isNotEmpty();
        // in a stream whose output ends with the last board (a client there from the start, with heartbeats in between, and one
        // that joined with the last board as a piece)
        byte[] preamble = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(inflateStream(Gzip.streamHeader(), Gzip.flushedPiece(preamble), Gzip.flushedPiece(lastBoard), empty, empty, chained))
                .isEqualTo(concat(preamble, lastBoard, nextBoard));
        assertThat(inflateStream(Gzip.streamHeader(), Gzip.flushedPiece(preamble), Gzip.flushedPiece(lastBoard), chained))
                .isEqualTo(concat(preamble, lastBoard, nextBoard));
        // a dictionary longer than the window: only its last 32 KiB count
        byte[] big = concat(new byte[100_000], lastBoard);
        assertThat(inflateStream(Gzip.streamHeader(), Gzip.flushedPiece(big), Gzip.flushedPiece(nextBoard, big)))
                .isEqualTo(concat(big, nextBoard));
    }

    /** A gzip stream never ended (no final block, no trailer), read as a client reads it: the header, then what the pieces inflate to. */
    private static byte[] inflateStream(byte[] header, byte[]... pieces) throws Exception {
        assertThat(header).hasSize(10).startsWith((byte) 0x1f, (byte) 0x8b, (byte) 8);
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (byte[] piece : pieces) {
            inflater.setInput(piece);
            while (!inflater.needsInput()) {
                out.write(buffer, 0, inflater.inflate(buffer));
            }
            assertThat(inflater.finished()).as("no final block: the stream goes on").isFalse();
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldAcceptOnlyTheIdentityWithoutTheHeader() {
        assertThat(Gzip.accepted(null)).isFalse();
        assertThat(Gzip.acceptedCached(null)).isFalse();
    }

    /** The last value read is remembered, and a different one is read again, whatever came before it. */
    @Test
    void shouldAnswerFromTheLastValueReadOnlyForTheSameValue() {
        // neighbours of one length with different answers, so that only the value itself can tell them apart
        String[] values = {"gzip, deflate, br, zstd", "identity", "gzip;q=0, *", "gzip;q=0", "gzip;q=1", "*", "br", "x-gzip", "gzip", "zstd",
            "gzip, deflate, br, zstd"};
        for (int round = 0; round < 3; round++) {
            for (String v : values) {
                String fresh = new String(v.toCharArray()); // as a request brings it: equal, not the same object
                assertThat(Gzip.acceptedCached(fresh)).as(v).isEqualTo(Gzip.accepted(v));
                assertThat(Gzip.acceptedCached(fresh)).as(v + ", again").isEqualTo(Gzip.accepted(v));
            }
        }
        assertThat(Gzip.acceptedCached("gzip")).isTrue();
        assertThat(Gzip.acceptedCached("gzip;q=0")).isFalse();
        assertThat(Gzip.acceptedCached("gzip")).isTrue();
    }
}
