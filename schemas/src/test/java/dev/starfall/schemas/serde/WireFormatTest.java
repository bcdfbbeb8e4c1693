package dev.starfall.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void shouldWriteMagicByteThenBigEndianSchemaId() {
        assertThat(WireFormat.header(7)).containsExactly(0, 0, 0, 0, 7);
        assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.header(Integer.MAX_VALUE)).containsExactly(0x00, 0x7f, 0xff, 0xff, 0xff);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);
        assertThat(out.toByteArray()).containsExactly(WireFormat.header(0x01020304));
    }

    @Test
    void shouldReadTheSchemaIdBack() {
        for (int id : new int[] {0, 1, 7, 255, 256, 65_536, 0x01020304, Integer.MAX_VALUE}) {
            assertThat(WireFormat.readSchemaId(WireFormat.header(id))).isEqualTo(id);
        }
        assertThat(WireFormat.readSchemaId(new byte[] {0, 0, 0, 1, 0, 42, 42})).isEqualTo(256);
    }

    @Test
    void shouldRejectAWrongMagicByte() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {1, 0, 0, 0, 7, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x01, expected 0x00");
    }

    @Test
    void shouldRejectAPayloadShorterThanTheHeader() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {0, 0, 0, 7}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("payload of 4 byte(s) is shorter than the 5-byte header");
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("0 byte(s)");
    }
}
