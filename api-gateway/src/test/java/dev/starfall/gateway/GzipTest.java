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
    void shouldAcceptOnlyTheIdentityWithoutTheHeader() {
        assertThat(Gzip.accepted(null)).isFalse();
    }
}
